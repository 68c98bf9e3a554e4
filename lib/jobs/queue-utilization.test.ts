import { describe, expect, it } from "vitest";
import { type QueueUtilization, type ShareInUse, summarizeUtilization, TOP_SHARES } from "./queue-utilization";

const vcpu = (quantity: number) => [{ capacityUnit: "VCPU", quantity }];
const share = (shareIdentifier: string, quantity: number) => ({ shareIdentifier, capacityUsage: vcpu(quantity) });

describe("summarizeUtilization", () => {
  const cases: [string, ShareInUse[], boolean, Omit<QueueUtilization, "lastUpdatedAt">][] = [
    ["idle FIFO queue", [], false, { totalCapacityUsage: vcpu(0) }],
    ["FIFO queue: one total, no shares", [{ shareIdentifier: null, vcpus: 3 }], false, { totalCapacityUsage: vcpu(3) }],
    [
      "idle fair-share queue",
      [],
      true,
      { totalCapacityUsage: vcpu(0), fairshareUtilization: { activeShareCount: 0, topCapacityUtilization: [] } },
    ],
    [
      "shares by vCPUs desc, ties by identifier",
      [
        { shareIdentifier: "b", vcpus: 1 },
        { shareIdentifier: "c", vcpus: 4 },
        { shareIdentifier: "a", vcpus: 1 },
      ],
      true,
      {
        totalCapacityUsage: vcpu(6),
        fairshareUtilization: {
          activeShareCount: 3,
          topCapacityUtilization: [share("c", 4), share("a", 1), share("b", 1)],
        },
      },
    ],
    [
      "fair share: a job without a share counts in the total only",
      [
        { shareIdentifier: null, vcpus: 2 },
        { shareIdentifier: "", vcpus: 0.5 },
        { shareIdentifier: "a", vcpus: 0.25 },
      ],
      true,
      {
        totalCapacityUsage: vcpu(2.75),
        fairshareUtilization: { activeShareCount: 1, topCapacityUtilization: [share("a", 0.25)] },
      },
    ],
  ];
  it.each(cases)("%s", (_name, rows, fairShare, expected) => {
    expect(summarizeUtilization(rows, fairShare, 42)).toEqual({ ...expected, lastUpdatedAt: 42 });
  });

  it(`lists the top ${TOP_SHARES} shares and counts them all`, () => {
    const rows = Array.from({ length: TOP_SHARES + 5 }, (_, i) => ({
      shareIdentifier: `s${String(i).padStart(2, "0")}`,
      vcpus: i + 1,
    }));
    const { fairshareUtilization } = summarizeUtilization(rows, true, 0);
    expect(fairshareUtilization?.activeShareCount).toBe(TOP_SHARES + 5);
    expect(fairshareUtilization?.topCapacityUtilization.map((s) => s.shareIdentifier)).toEqual(
      rows
        .slice(5)
        .reverse()
        .map((r) => r.shareIdentifier),
    );
  });
});
