import { describe, expect, it } from "vitest";
import { newJobId } from "./ids";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisOf = (id: string) => Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);

describe("job ids", () => {
  it("are version 7 UUIDs that carry the millisecond they were made in", () => {
    const now = Date.now() + 10_000;
    const id = newJobId(now);
    expect(id).toMatch(UUID_V7);
    expect(millisOf(id)).toBe(now);
  });

  it("sort in the order they were made, within one millisecond and past its 4,096 counts", () => {
    const now = Date.now() + 20_000;
    const ids = Array.from({ length: 6_000 }, () => newJobId(now));
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.toSorted()).toEqual(ids);
    // The counter ran out: the timestamp moved on rather than wrap.
    expect(millisOf(ids.at(-1)!)).toBeGreaterThan(now);
    // A clock that steps back does not break the order either.
    const after = newJobId(now - 5_000);
    expect(after > ids.at(-1)!).toBe(true);
  });
});
