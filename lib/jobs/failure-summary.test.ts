import { describe, expect, it } from "vitest";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { JobStatus, STATUS_REASONS } from "@/lib/batch/states";
import { failureSummary } from "./failure-summary";

const job = (patch: Partial<JobDetail>): JobDetail =>
  ({
    status: JobStatus.FAILED,
    statusReason: STATUS_REASONS.essentialContainerExited,
    attempts: [],
    container: { image: "busybox" },
    tags: {},
    isCancelled: false,
    isTerminated: false,
    ...patch,
  }) as JobDetail;

const exited = (exitCode: number) => ({ container: { exitCode }, startedAt: 1, stoppedAt: 2 });

describe("failureSummary", () => {
  it("says the exit code and how many of the allowed attempts ran", () => {
    expect(failureSummary(job({ attempts: [exited(1), exited(1), exited(1)], retryStrategy: { attempts: 3 } }))).toBe(
      "Exit code 1 after 3 of 3 attempts",
    );
    expect(failureSummary(job({ attempts: [exited(2)] }))).toBe("Exit code 2 after 1 of 1 attempt");
  });

  it("names a timeout, a failed pull, a cancel before the start and a failed dependency", () => {
    const timedOut = { container: {}, statusReason: STATUS_REASONS.timeout, startedAt: 1, stoppedAt: 2 };
    expect(failureSummary(job({ attempts: [timedOut, timedOut], retryStrategy: { attempts: 2 } }))).toBe(
      "Timed out after 2 of 2 attempts",
    );
    const pull = { container: { reason: "CannotPullContainerError: manifest unknown" } };
    expect(failureSummary(job({ attempts: [pull], container: { image: "busybox:nope" } }))).toBe(
      "Could not pull image busybox:nope (after 1 of 1 attempt)",
    );
    expect(failureSummary(job({ isCancelled: true, statusReason: "Stopped" }))).toBe("Cancelled before it started");
    expect(failureSummary(job({ statusReason: STATUS_REASONS.dependentJobFailed }))).toMatch(/depends on failed/);
  });

  it("counts an array's failed children, and is null unless the job failed", () => {
    const array = job({ arrayProperties: { size: 6, statusSummary: { [JobStatus.FAILED]: 2 } } });
    expect(failureSummary(array)).toBe("2 of 6 children failed");
    expect(failureSummary(job({ status: JobStatus.SUCCEEDED }))).toBeNull();
  });
});
