// Service environments, service jobs (SageMaker Training) and quota shares on the AWS backend:
// operations the built-in engine does not run (lib/resources/aws-only), forwarded to AWS as they
// came. AWS validates the request; its answer comes back without the SDK's metadata, and every
// change AWS accepted is audited, as consumable-resources.ts does for its family.
import {
  CreateQuotaShareCommand,
  CreateServiceEnvironmentCommand,
  DeleteQuotaShareCommand,
  DeleteServiceEnvironmentCommand,
  DescribeQuotaShareCommand,
  DescribeServiceEnvironmentsCommand,
  DescribeServiceJobCommand,
  ListQuotaSharesCommand,
  ListServiceJobsCommand,
  SubmitServiceJobCommand,
  TerminateServiceJobCommand,
  TerminateServiceJobsCommand,
  UpdateQuotaShareCommand,
  UpdateServiceEnvironmentCommand,
  UpdateServiceJobCommand,
} from "@aws-sdk/client-batch";
import type { AwsOnlyInput, AwsOnlyMethod, AwsOnlyMethodName } from "@/lib/resources/aws-only/aws-only-operations";
import { auditAws, callBatch } from "./call";
import type { AwsClients } from "./clients";

type Input = AwsOnlyInput & Record<string, unknown>;
type Output = Record<string, unknown>;
/** Sends the request as it came: AWS's shape, validated by AWS. */
type Send = (client: AwsClients["batch"], input: never) => Promise<{ $metadata?: unknown }>;

interface Audit {
  action: string;
  targetType: string;
  /** The request or response field naming the target, first one present wins. */
  target: string[];
  details?: (input: Input) => Record<string, unknown>;
}

interface Forward {
  send: Send;
  audit?: Audit;
}

const str = (value: unknown) => (typeof value === "string" && value ? value : undefined);

const FORWARDS: Record<AwsOnlyMethodName, Forward> = {
  createServiceEnvironment: {
    send: (c, i) => c.send(new CreateServiceEnvironmentCommand(i)),
    audit: {
      action: "serviceEnvironment.create",
      targetType: "serviceEnvironment",
      target: ["serviceEnvironmentArn", "serviceEnvironmentName"],
    },
  },
  describeServiceEnvironments: { send: (c, i) => c.send(new DescribeServiceEnvironmentsCommand(i)) },
  updateServiceEnvironment: {
    send: (c, i) => c.send(new UpdateServiceEnvironmentCommand(i)),
    audit: {
      action: "serviceEnvironment.update",
      targetType: "serviceEnvironment",
      target: ["serviceEnvironmentArn", "serviceEnvironment"],
    },
  },
  deleteServiceEnvironment: {
    send: (c, i) => c.send(new DeleteServiceEnvironmentCommand(i)),
    audit: { action: "serviceEnvironment.delete", targetType: "serviceEnvironment", target: ["serviceEnvironment"] },
  },
  submitServiceJob: {
    send: (c, i) => c.send(new SubmitServiceJobCommand(i)),
    audit: {
      action: "serviceJob.submit",
      targetType: "serviceJob",
      target: ["jobId", "jobName"],
      details: (input) => ({ jobName: input.jobName, jobQueue: input.jobQueue, serviceJobType: input.serviceJobType }),
    },
  },
  describeServiceJob: { send: (c, i) => c.send(new DescribeServiceJobCommand(i)) },
  listServiceJobs: { send: (c, i) => c.send(new ListServiceJobsCommand(i)) },
  updateServiceJob: {
    send: (c, i) => c.send(new UpdateServiceJobCommand(i)),
    audit: {
      action: "serviceJob.update",
      targetType: "serviceJob",
      target: ["jobId"],
      details: (input) => ({ schedulingPriority: input.schedulingPriority }),
    },
  },
  terminateServiceJob: {
    send: (c, i) => c.send(new TerminateServiceJobCommand(i)),
    audit: {
      action: "serviceJob.terminate",
      targetType: "serviceJob",
      target: ["jobId"],
      details: (input) => ({ reason: input.reason }),
    },
  },
  terminateServiceJobs: {
    send: (c, i) => c.send(new TerminateServiceJobsCommand(i)),
    audit: {
      action: "serviceJob.terminateMany",
      targetType: "serviceJob",
      target: [],
      details: (input) => ({ jobs: input.jobs, reason: input.reason }),
    },
  },
  createQuotaShare: {
    send: (c, i) => c.send(new CreateQuotaShareCommand(i)),
    audit: { action: "quotaShare.create", targetType: "quotaShare", target: ["quotaShareArn", "quotaShareName"] },
  },
  describeQuotaShare: { send: (c, i) => c.send(new DescribeQuotaShareCommand(i)) },
  listQuotaShares: { send: (c, i) => c.send(new ListQuotaSharesCommand(i)) },
  updateQuotaShare: {
    send: (c, i) => c.send(new UpdateQuotaShareCommand(i)),
    audit: { action: "quotaShare.update", targetType: "quotaShare", target: ["quotaShareArn"] },
  },
  deleteQuotaShare: {
    send: (c, i) => c.send(new DeleteQuotaShareCommand(i)),
    audit: { action: "quotaShare.delete", targetType: "quotaShare", target: ["quotaShareArn"] },
  },
};

function forward(clients: AwsClients, { send, audit }: Forward): AwsOnlyMethod {
  return async (ctx, input) => {
    const out = (await callBatch(clients, (c) => send(c, input as never))) as Output;
    if (audit) {
      const targetId = audit.target.map((k) => str(out[k]) ?? str(input[k])).find(Boolean) ?? "";
      await auditAws(ctx, {
        action: audit.action,
        targetType: audit.targetType,
        targetId,
        details: audit.details?.(input),
      });
    }
    return out;
  };
}

export function awsServiceMethods(clients: AwsClients): Record<AwsOnlyMethodName, AwsOnlyMethod> {
  return Object.fromEntries(Object.entries(FORWARDS).map(([name, f]) => [name, forward(clients, f)])) as Record<
    AwsOnlyMethodName,
    AwsOnlyMethod
  >;
}
