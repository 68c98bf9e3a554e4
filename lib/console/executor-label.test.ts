import { describe, expect, it } from "vitest";
import type { EngineExecutors } from "@/lib/metrics/engine-stats";
import { describeExecutor } from "./executor-label";

const podman: EngineExecutors = {
  container: { available: true, runtime: "podman 4.3.1" },
  process: { available: true },
  default: "container",
};
const noRuntime: EngineExecutors = {
  container: { available: false, reason: "no container runtime: install podman" },
  process: { available: true },
  default: "process",
};
const hostedNoRuntime: EngineExecutors = { ...noRuntime, default: null };

describe("describeExecutor", () => {
  it.each([
    [{}, podman, "container, podman 4.3.1 (engine default)"],
    [{ "batchdeck:executor": "process" }, podman, "process"],
    [{ "batchdeck:executor": "container" }, podman, "container, podman 4.3.1"],
    [{}, noRuntime, "process (engine default)"],
    [
      { "batchdeck:executor": "container" },
      noRuntime,
      "none: tagged container, and no container runtime: install podman",
    ],
    [{}, hostedNoRuntime, "none: a hosted install runs jobs in containers, and no container runtime: install podman"],
    [{ "batchdeck:executor": "process" }, hostedNoRuntime, "process"],
    [{ "batchdeck:executor": "container" }, null, "container (no engine is running)"],
    [undefined, null, "no engine is running"],
  ])("%j on %j → %s", (tags, executors, expected) => {
    expect(describeExecutor(tags, executors)).toBe(expected);
  });
});
