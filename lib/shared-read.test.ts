import { afterEach, describe, expect, it, vi } from "vitest";
import { organizationChanged, sharedRead } from "./shared-read";

afterEach(() => {
  vi.useRealTimers();
});

describe("sharedRead", () => {
  it("runs concurrent identical reads once and reuses the answer until its ttl passes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let reads = 0;
    const read = async () => ++reads;
    const [a, b] = await Promise.all([sharedRead("org-1", "k", 1_000, read), sharedRead("org-1", "k", 1_000, read)]);
    expect([a, b]).toEqual([1, 1]);
    vi.advanceTimersByTime(999);
    expect(await sharedRead("org-1", "k", 1_000, read)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await sharedRead("org-1", "k", 1_000, read)).toBe(2);
  });

  it("keeps organizations and keys apart", async () => {
    let reads = 0;
    const read = async () => ++reads;
    const a = await sharedRead("org-a", "k", 10_000, read);
    const b = await sharedRead("org-b", "k", 10_000, read);
    const c = await sharedRead("org-a", "other", 10_000, read);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it("reads afresh after a change through this server, and never shares a failure beyond its waiters", async () => {
    let reads = 0;
    const read = async () => ++reads;
    expect(await sharedRead("org-c", "k", 10_000, read)).toBe(1);
    organizationChanged("org-c");
    expect(await sharedRead("org-c", "k", 10_000, read)).toBe(2);

    let fail = true;
    const flaky = async () => {
      if (fail) throw new Error("database away");
      return "ok";
    };
    await expect(sharedRead("org-c", "f", 10_000, flaky)).rejects.toThrow("database away");
    fail = false;
    expect(await sharedRead("org-c", "f", 10_000, flaky)).toBe("ok");
  });
});
