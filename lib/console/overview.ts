// What the Overview page reads through the organization's backend: how far the organization
// has come on the way to its first job (an environment, a queue, an active definition, a job)
// and the live figures that replace the getting-started checklist once work exists: jobs per
// status of each queue and capacity in use of each compute environment. The live figures are
// the ones the queues and environments pages poll (components/lib/queries.ts), so the
// Overview's first render and its refreshes agree.
import type { OrgContext } from "@/lib/auth/context";
import type { Permission } from "@/lib/auth/permissions";
import type { BatchBackend } from "@/lib/backends/types";
import type { JobQueueCounts } from "@/lib/jobs/queue-counts";
import type { ComputeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";

export type StepKey = "computeEnvironment" | "jobQueue" | "jobDefinition" | "job";

export interface GettingStartedStep {
  key: StepKey;
  /** "Create a compute environment": what to do, as the checklist says it. */
  title: string;
  /** What it is for, in a sentence. */
  why: string;
  /** The form that does it. */
  href: string;
  /** Who may do it: one without it is told who can instead of given the link. */
  permission: Permission;
  /** A noun for "An admin creates …" when the reader may not. */
  thing: string;
  done: boolean;
}

export interface OverviewData {
  steps: GettingStartedStep[];
  jobQueues: JobQueueCounts[];
  computeEnvironments: ComputeEnvironmentUsage[];
}

/** True once a job has been submitted to any live queue (finished ones count while they are kept). */
export const hasJobs = (queues: JobQueueCounts[]) => queues.some((q) => Object.values(q.counts).some((n) => n > 0));

export function gettingStartedSteps(done: Record<StepKey, boolean>): GettingStartedStep[] {
  return [
    {
      key: "computeEnvironment",
      title: "Create a compute environment",
      why: "The vCPUs, memory and GPUs jobs run on.",
      href: "/compute-environments/new",
      permission: "computeEnvironments.manage",
      thing: "compute environments",
      done: done.computeEnvironment,
    },
    {
      key: "jobQueue",
      title: "Create a job queue",
      why: "Where jobs wait until an environment behind it has room.",
      href: "/job-queues/new",
      permission: "jobQueues.manage",
      thing: "job queues",
      done: done.jobQueue,
    },
    {
      key: "jobDefinition",
      title: "Register a job definition",
      why: "What a job runs: its image, command, resources and retries.",
      href: "/job-definitions/new",
      permission: "jobDefinitions.manage",
      thing: "job definitions",
      done: done.jobDefinition,
    },
    {
      key: "job",
      title: "Submit a job",
      why: "A definition run on a queue; follow it from its page.",
      href: "/jobs/new",
      permission: "jobs.submit",
      thing: "jobs",
      done: done.job,
    },
  ];
}

/** Everything the Overview shows of the organization's work, read in parallel. */
export async function readOverview(backend: BatchBackend, ctx: OrgContext): Promise<OverviewData> {
  const [environments, queues, definitions, counts, usage] = await Promise.all([
    backend.describeComputeEnvironments(ctx, { maxResults: 1 }),
    backend.describeJobQueues(ctx, { maxResults: 1 }),
    backend.describeJobDefinitions(ctx, { status: "ACTIVE", maxResults: 1 }),
    backend.jobQueueCounts(ctx),
    backend.computeEnvironmentUsage(ctx),
  ]);
  return {
    steps: gettingStartedSteps({
      computeEnvironment: environments.computeEnvironments.length > 0,
      jobQueue: queues.jobQueues.length > 0,
      jobDefinition: definitions.jobDefinitions.length > 0,
      job: hasJobs(counts.jobQueues),
    }),
    jobQueues: counts.jobQueues,
    computeEnvironments: usage.computeEnvironments,
  };
}
