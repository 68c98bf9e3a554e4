// Which executor runs an environment's jobs on the leading engine: the one its
// `batchdeck:executor` tag names, if the engine has it; without the tag, the engine's default
// (container where a runtime was found, process otherwise; none on a hosted install without a
// runtime). Never a silent fallback: an environment whose executor is missing takes no jobs, and
// "why isn't it running" says so. Shared by the scheduler and the console.
import type { ExecutorKind } from "./executor-policy";

export interface EngineExecutorSet {
  available: readonly ExecutorKind[];
  default: ExecutorKind | null;
}

export type ExecutorChoice =
  | { executor: ExecutorKind; chosenBy: "tag" | "default" }
  | { executor: null; wanted: ExecutorKind | null };

export function chooseExecutor(tagged: ExecutorKind | null, engine: EngineExecutorSet): ExecutorChoice {
  if (tagged)
    return engine.available.includes(tagged)
      ? { executor: tagged, chosenBy: "tag" }
      : { executor: null, wanted: tagged };
  return engine.default ? { executor: engine.default, chosenBy: "default" } : { executor: null, wanted: null };
}
