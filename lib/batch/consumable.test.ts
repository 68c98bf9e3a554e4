import { describe, expect, it } from "vitest";
import { type ConsumableRequirement, consumableAvailability, reserveInOrder } from "./consumable";

const req = (resourceId: string, quantity: number): ConsumableRequirement => ({ resourceId, quantity });

describe("consumableAvailability", () => {
  it.each([
    { name: "nothing required", left: { seats: 0 }, wants: [], fits: true },
    { name: "exactly what is left", left: { seats: 2 }, wants: [req("seats", 2)], fits: true },
    { name: "more than is left", left: { seats: 1 }, wants: [req("seats", 2)], fits: false },
    { name: "an unknown resource counts as none left", left: {}, wants: [req("ghost", 1)], fits: false },
    { name: "every resource must have enough", left: { a: 5, b: 0 }, wants: [req("a", 1), req("b", 1)], fits: false },
    { name: "a negative figure is nothing left", left: { seats: -3 }, wants: [req("seats", 1)], fits: false },
    {
      name: "a resource listed twice counts twice",
      left: { seats: 3 },
      wants: [req("seats", 2), req("seats", 2)],
      fits: false,
    },
  ])("$name: fits $fits", ({ left, wants, fits }) => {
    const ledger = consumableAvailability(new Map(Object.entries(left)));
    expect(ledger.shortfall(wants) === null).toBe(fits);
    expect(ledger.reserve(wants)).toBe(fits);
  });

  it("reports the first short resource with what was asked and what is left", () => {
    const ledger = consumableAvailability(
      new Map([
        ["a", 5],
        ["b", 1],
      ]),
    );
    expect(ledger.shortfall([req("a", 1), req("b", 4)])).toEqual({ resourceId: "b", requested: 4, available: 1 });
  });

  it("takes what a job reserves, so the next job of the pass sees the rest", () => {
    const ledger = consumableAvailability(new Map([["seats", 1]]));
    expect(ledger.reserve([req("seats", 1)])).toBe(true);
    expect(ledger.available("seats")).toBe(0);
    // The second job of the same pass cannot take the last seat again.
    expect(ledger.reserve([req("seats", 1)])).toBe(false);
  });

  it("takes all of a job's requirements or none of them", () => {
    const ledger = consumableAvailability(
      new Map([
        ["a", 2],
        ["b", 1],
      ]),
    );
    expect(ledger.reserve([req("a", 2), req("b", 2)])).toBe(false);
    expect(ledger.available("a")).toBe(2);
    expect(ledger.available("b")).toBe(1);
  });

  it("does not change the map it was given", () => {
    const start = new Map([["seats", 1]]);
    consumableAvailability(start).reserve([req("seats", 1)]);
    expect(start.get("seats")).toBe(1);
  });
});

describe("reserveInOrder", () => {
  const requirements = new Map([
    ["first", [req("seats", 1)]],
    ["second", [req("seats", 1)]],
    ["big", [req("seats", 3)]],
    ["small", [req("seats", 1)]],
  ]);

  it("keeps placements in the given order while seats last, and always those that need none", () => {
    const ledger = consumableAvailability(new Map([["seats", 2]]));
    const kept = reserveInOrder(
      [{ jobId: "first" }, { jobId: "free" }, { jobId: "big" }, { jobId: "second" }, { jobId: "small" }],
      requirements,
      ledger,
    );
    // "big" does not fit and takes nothing, so "second" still gets the last seat; "small" none.
    expect(kept.map((p) => p.jobId)).toEqual(["first", "free", "second"]);
    expect(ledger.available("seats")).toBe(0);
  });

  it("keeps the placements' own fields", () => {
    const ledger = consumableAvailability(new Map([["seats", 1]]));
    const kept = reserveInOrder([{ jobId: "first", environmentId: "ce", gpuIds: [] }], requirements, ledger);
    expect(kept).toEqual([{ jobId: "first", environmentId: "ce", gpuIds: [] }]);
  });
});
