import type { Metadata } from "next";
import type { DefinitionOption, QueueOption } from "@/components/jobs/submit-job/options";
import { SubmitJobForm } from "@/components/jobs/submit-job-form";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/card";
import type { OrgContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import type { BatchBackend } from "@/lib/backends/types";
import { substituteParameters } from "@/lib/batch/parameters";
import { type DefinitionDefaults, emptySubmitForm, requestToForm, resubmitRequest } from "@/lib/batch/submit-form";
import { backendPage } from "@/lib/console/backend-page";
import type { EnvironmentSize } from "@/lib/console/capacity-warnings";
import { parseRevisionRef } from "@/lib/console/job-definition-revisions";
import { lastSegment } from "@/lib/console/job-queue-values";

export const metadata: Metadata = { title: "Submit a job" };

type Definition = Record<string, unknown> & {
  jobDefinitionName?: string;
  revision?: number;
  parameters?: Record<string, string>;
  containerProperties?: Record<string, unknown>;
  schedulingPriority?: number;
};

function requirement(container: Record<string, unknown> | undefined, type: string): string | undefined {
  const list = container?.resourceRequirements;
  if (!Array.isArray(list)) return undefined;
  const found = (list as { type?: string; value?: string }[]).find((r) => r.type === type);
  return found?.value;
}

/** What a revision asks for, as placement counts it: VCPU and MEMORY requirements, or the older vcpus and memory. */
function resourcesOf(def: Definition): { vcpus?: number; memoryMiB?: number } {
  const c = def.containerProperties;
  const vcpus = Number(requirement(c, "VCPU") ?? c?.vcpus);
  const memoryMiB = Number(requirement(c, "MEMORY") ?? c?.memory);
  return {
    ...(Number.isFinite(vcpus) && vcpus > 0 ? { vcpus } : {}),
    ...(Number.isFinite(memoryMiB) && memoryMiB > 0 ? { memoryMiB } : {}),
  };
}

function defaultsOf(def: Definition | undefined, parameters: Record<string, string>): DefinitionDefaults | undefined {
  if (!def) return undefined;
  const c = def.containerProperties ?? {};
  const command = Array.isArray(c.command) ? c.command.map(String) : [];
  // The job's command is stored with its parameters substituted; compare like with like.
  return {
    command: substituteParameters(command, parameters),
    environment: Array.isArray(c.environment) ? (c.environment as { name: string; value: string }[]) : [],
    vcpus: requirement(c, "VCPU") ?? (c.vcpus !== undefined ? String(c.vcpus) : "1"),
    memory: requirement(c, "MEMORY") ?? (c.memory !== undefined ? String(c.memory) : "2048"),
    gpus: requirement(c, "GPU"),
    schedulingPriority: def.schedulingPriority ?? 0,
  };
}

/** "Submit again": the form filled from an existing job; null when it does not exist. */
async function fromJob(backend: BatchBackend, ctx: OrgContext, jobId: string) {
  const job = (await backend.describeJobs(ctx, { jobs: [jobId] })).jobs[0];
  if (!job) return null;
  const def = (await backend.describeJobDefinitions(ctx, { jobDefinitions: [job.jobDefinition] })).jobDefinitions[0] as
    | Definition
    | undefined;
  const request = resubmitRequest(job, defaultsOf(def, job.parameters), { keepDependencies: true });
  return { job, form: requestToForm(request).form };
}

export default backendPage(async function NewJobPage({
  searchParams,
}: {
  searchParams: Promise<{ from?: string | string[]; definition?: string | string[] }>;
}) {
  const ctx = await pageContext();
  if (!can(ctx.role, "jobs.submit")) return <Alert>Your role does not allow submitting jobs.</Alert>;
  const backend = await backendFor(ctx);
  const { from, definition } = await searchParams;
  const fromId = Array.isArray(from) ? from[0] : from;
  // "Submit with this revision" (a definition page): that exact revision, not the latest.
  const chosen = parseRevisionRef(Array.isArray(definition) ? definition[0] : definition);
  const [queues, definitions, source, usage, chosenDefinition] = await Promise.all([
    backend.describeJobQueues(ctx, { maxResults: 100 }),
    backend.describeJobDefinitions(ctx, { status: "ACTIVE", maxResults: 100 }),
    fromId ? fromJob(backend, ctx, fromId) : Promise.resolve(null),
    // Only for a warning: a backend that cannot say (AWS permissions) leaves the form without it.
    backend
      .computeEnvironmentUsage(ctx)
      .catch(() => ({ computeEnvironments: [] })),
    // The revision asked for by name, whether or not it is among the first hundred listed.
    chosen
      ? backend
          .describeJobDefinitions(ctx, { jobDefinitions: [`${chosen.name}:${chosen.revision}`] })
          .then((r) => r.jobDefinitions[0])
      : Promise.resolve(undefined),
  ]);
  // The most each environment can ever hand one job (what placement's "never fits" compares with).
  const sizes = new Map<string, EnvironmentSize>(
    usage.computeEnvironments.map((e) => [
      e.computeEnvironmentName,
      { name: e.computeEnvironmentName, maxVcpus: e.maxVcpus, memoryMiB: e.maxMemoryMiB },
    ]),
  );
  const queueOptions: QueueOption[] = queues.jobQueues.map((q) => ({
    name: String(q.jobQueueName),
    state: String(q.state),
    fairShare: typeof q.schedulingPolicyArn === "string",
    // An environment whose size is not known counts as one that might hold anything.
    environments: ((q.computeEnvironmentOrder ?? []) as { computeEnvironment: string }[]).map((o) => {
      const name = lastSegment(o.computeEnvironment);
      return sizes.get(name) ?? { name, maxVcpus: null, memoryMiB: null };
    }),
  }));
  const byName = new Map<string, DefinitionOption>();
  const addRevision = (d: Definition, offered: boolean) => {
    const name = String(d.jobDefinitionName);
    const entry = byName.get(name) ?? { name, revisions: [], byRevision: {} };
    // The revision asked for by name but not among the active ones listed gives its hints only:
    // the form offers it as the chosen value, not as one of the list.
    if (offered) entry.revisions.push(Number(d.revision));
    const command = d.containerProperties?.command;
    entry.byRevision[String(d.revision)] = {
      command: Array.isArray(command) ? command.map(String) : [],
      parameters: d.parameters ?? {},
      ...resourcesOf(d),
    };
    byName.set(name, entry);
  };
  for (const d of definitions.jobDefinitions as Definition[]) addRevision(d, true);
  // The chosen revision gives its hints whether or not it is listed (then it writes the same again).
  if (chosenDefinition) addRevision(chosenDefinition as Definition, false);
  const initial = source?.form ?? {
    ...emptySubmitForm(),
    jobQueue: queueOptions.length === 1 ? (queueOptions[0]?.name ?? "") : "",
    ...(chosen ? { jobDefinitionName: chosen.name, jobDefinitionRevision: String(chosen.revision) } : {}),
  };
  const chosenActive = !chosen || chosenDefinition?.status === "ACTIVE";
  return (
    <div className="space-y-6">
      <PageHeader
        title={source ? `Submit ${source.job.jobName} again` : "Submit a job"}
        description={
          source
            ? `Filled in from job ${source.job.jobId}; change anything before submitting.`
            : "Fill in the form or paste a SubmitJob request as JSON: the two stay in step."
        }
      />
      {fromId && !source ? <Alert>Job {fromId} was not found, so the form starts empty.</Alert> : null}
      {chosen && !source && !chosenActive ? (
        <Alert>
          {chosen.name}:{chosen.revision} is not an active revision (deregistered, or not found): a job cannot be
          submitted with it.
        </Alert>
      ) : null}
      {queueOptions.length === 0 || byName.size === 0 ? (
        <Alert tone="info">
          Jobs need a job queue and an active job definition;{" "}
          {queueOptions.length === 0
            ? "this organization has no job queue yet"
            : "there is no active job definition yet"}
          .
        </Alert>
      ) : null}
      <SubmitJobForm
        orgId={ctx.organizationId}
        initial={initial}
        queues={queueOptions}
        definitions={[...byName.values()]}
      />
    </div>
  );
});
