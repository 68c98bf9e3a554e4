// What the environments page says about how an environment's jobs run on the built-in engine:
// its tag's executor or the engine's default, or why none can run them (the same choice the
// scheduler makes: lib/batch/executor-choice.ts).
import { chooseExecutor } from "@/lib/batch/executor-choice";
import { executorPolicyOf } from "@/lib/batch/executor-policy";
import type { EngineExecutors } from "@/lib/metrics/engine-stats";

export function describeExecutor(tags: unknown, executors: EngineExecutors | null): string {
  const stringTags =
    tags && typeof tags === "object"
      ? Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string"))
      : {};
  const tagged = executorPolicyOf(stringTags).executor;
  if (!executors) return tagged ? `${tagged} (no engine is running)` : "no engine is running";
  const choice = chooseExecutor(tagged, {
    available: executors.container.available ? ["container", "process"] : ["process"],
    default: executors.default,
  });
  if (choice.executor) {
    const runtime =
      choice.executor === "container" && executors.container.runtime ? `, ${executors.container.runtime}` : "";
    return choice.chosenBy === "tag" ? `${choice.executor}${runtime}` : `${choice.executor}${runtime} (engine default)`;
  }
  const why = executors.container.reason ?? "the engine has no container runtime";
  return choice.wanted
    ? `none: tagged ${choice.wanted}, and ${why}`
    : `none: a hosted install runs jobs in containers, and ${why}`;
}
