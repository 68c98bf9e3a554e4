// What a row of the job list says under a job's status. AWS words every ordinary exit of a
// container "Essential container in task exited", which on a list of failures repeats on every
// row and says nothing: the exit code says what happened, so the row shows that instead and
// keeps the reasons that do say something (a timeout, a cancellation, a dependency that failed).
import { STATUS_REASONS } from "@/lib/batch/states";

export function listReason(statusReason: string | undefined, exitCode: number | undefined): string | undefined {
  const generic = statusReason?.trim() === STATUS_REASONS.essentialContainerExited;
  if (statusReason && !generic) return statusReason;
  if (exitCode !== undefined) return `Exit code ${exitCode}`;
  return undefined;
}
