// What a spec needs but does not test: compute environments, queues, job definitions and jobs,
// made through Batchdeck's own /v1 API with the first admin's key (e2e/api.ts), on the web
// server of the running test's project. Every spec seeds through here, so what a queue or a
// definition needs to run on the test servers is written once. The spec's subject stays in
// the spec: the resources spec creates its own queue through the form, and seeds only the
// job it watches.
import {
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  type SubmitJobCommandInput,
  TerminateJobCommand,
} from "@aws-sdk/client-batch";
import { expect } from "@playwright/test";
import { batchClient } from "./api";

/** A managed environment on the test host: `memoryMiB` is its `batchdeck:memoryMiB` capacity tag. */
export async function seedComputeEnvironment(
  name: string,
  { maxvCpus = 2, desiredvCpus, memoryMiB }: { maxvCpus?: number; desiredvCpus?: number; memoryMiB?: number } = {},
) {
  await batchClient().send(
    new CreateComputeEnvironmentCommand({
      computeEnvironmentName: name,
      type: "MANAGED",
      computeResources: { type: "EC2", maxvCpus, desiredvCpus, subnets: [], instanceRole: "local" },
      ...(memoryMiB === undefined ? {} : { tags: { "batchdeck:memoryMiB": String(memoryMiB) } }),
    }),
  );
}

/** An unmanaged environment: one that only needs to exist (to be chosen in a form). */
export async function seedUnmanagedEnvironment(name: string, unmanagedvCpus?: number) {
  await batchClient().send(
    new CreateComputeEnvironmentCommand({ computeEnvironmentName: name, type: "UNMANAGED", unmanagedvCpus }),
  );
}

/** A queue (priority 1) in front of one compute environment. */
export async function seedQueue(name: string, computeEnvironment: string) {
  await batchClient().send(
    new CreateJobQueueCommand({
      jobQueueName: name,
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment }],
    }),
  );
}

/** Somewhere to run jobs: a managed environment and a queue in front of it. */
export async function seedQueueWithEnvironment(
  { queue, computeEnvironment }: { queue: string; computeEnvironment: string },
  environment?: Parameters<typeof seedComputeEnvironment>[1],
) {
  await seedComputeEnvironment(computeEnvironment, environment);
  await seedQueue(queue, computeEnvironment);
}

/**
 * A container job definition running `command` in `image` ("local" or "busybox", both built
 * locally by e2e/global-setup.ts), with 1 vCPU and `memoryMiB` (a definition without
 * resources asks for 2,048 MiB, more than a small test environment has).
 */
export async function seedDefinition(
  name: string,
  {
    command,
    image = "local",
    memoryMiB = 128,
    parameters,
  }: { command: string[]; image?: string; memoryMiB?: number; parameters?: Record<string, string> },
) {
  await batchClient().send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: name,
      type: "container",
      parameters,
      containerProperties: {
        image,
        command,
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: String(memoryMiB) },
        ],
      },
    }),
  );
}

/** Submits a job; returns its id. */
export async function seedJob(input: SubmitJobCommandInput): Promise<string> {
  const { jobId } = await batchClient().send(new SubmitJobCommand(input));
  if (!jobId) throw new Error(`SubmitJob ${input.jobName} answered without a job id`);
  return jobId;
}

/** The job's status as DescribeJobs reports it ("" when it is not found). */
export async function jobStatus(jobId: string): Promise<string> {
  return (await batchClient().send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0]?.status ?? "";
}

/** Waits until the job has `status`, reading it every `intervalMs`. */
export async function waitForStatus(jobId: string, status: string, { timeout = 15_000, intervalMs = 100 } = {}) {
  await expect.poll(() => jobStatus(jobId), { timeout, intervals: [intervalMs] }).toBe(status);
}

/** Terminates a job a spec left running (its cleanup). */
export async function terminateJob(jobId: string, reason: string) {
  await batchClient().send(new TerminateJobCommand({ jobId, reason }));
}
