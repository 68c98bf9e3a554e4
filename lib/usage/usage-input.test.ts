import { describe, expect, it } from "vitest";
import { addDays, utcDay } from "./days";
import { usageQueryInput } from "./usage-input";

describe("usageQueryInput", () => {
  it("defaults to the last 30 UTC days, by day", () => {
    const today = utcDay(Date.now());
    expect(usageQueryInput.parse({})).toEqual({ from: addDays(today, -29), to: today, group: "day" });
    expect(usageQueryInput.parse({ from: "", to: "", group: "" })).toEqual({
      from: addDays(today, -29),
      to: today,
      group: "day",
    });
  });

  it("keeps a given range and grouping", () => {
    expect(usageQueryInput.parse({ from: "2026-01-01", to: "2026-01-31", group: "user" })).toEqual({
      from: "2026-01-01",
      to: "2026-01-31",
      group: "user",
    });
    expect(usageQueryInput.parse({ to: "2026-01-31" }).from).toBe("2026-01-02");
  });

  it.each([
    [{ from: "2026-02-30" }, "from"],
    [{ to: "yesterday" }, "to"],
    [{ from: "2026-03-02", to: "2026-03-01" }, "to"],
    [{ from: "2020-01-01", to: "2026-01-01" }, "from"],
    [{ group: "organization" }, "group"],
  ])("refuses %j (at %s)", (input, field) => {
    const result = usageQueryInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(field);
  });
});
