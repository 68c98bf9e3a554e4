// The AWS Batch operations the built-in engine has nothing to run for: service environments and
// service jobs (SageMaker Training) and quota shares. /v1 serves them so that an organization on
// the AWS backend reaches AWS (lib/backends/aws/service-operations.ts); on the built-in backend
// each of these functions answers a ClientException that says what the engine lacks, rather
// than "unknown operation". AWS validates the requests, so the schema asks only for an object.
import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import type { Operation } from "@/lib/auth/operation";
import type { Permission } from "@/lib/auth/permissions";
import { invalid } from "@/lib/errors";

export const awsOnlyInput = z.looseObject({});
export type AwsOnlyInput = z.output<typeof awsOnlyInput>;
export type AwsOnlyOutput = Record<string, unknown>;
export type AwsOnlyMethod = (ctx: OrgContext, input: AwsOnlyInput) => Promise<AwsOnlyOutput>;

const FAMILIES = {
  serviceEnvironments: "service environments (SageMaker Training capacity)",
  serviceJobs: "service jobs (SageMaker Training jobs)",
  quotaShares: "quota shares",
} as const;

function refuse(name: string, family: keyof typeof FAMILIES): AwsOnlyMethod {
  const message = `${name}: the built-in engine does not run ${FAMILIES[family]}. Organizations on the AWS Batch backend can use ${name} (Settings → Backend).`;
  return async () => {
    throw invalid(message);
  };
}

export const createServiceEnvironment = refuse("CreateServiceEnvironment", "serviceEnvironments");
export const describeServiceEnvironments = refuse("DescribeServiceEnvironments", "serviceEnvironments");
export const updateServiceEnvironment = refuse("UpdateServiceEnvironment", "serviceEnvironments");
export const deleteServiceEnvironment = refuse("DeleteServiceEnvironment", "serviceEnvironments");
export const submitServiceJob = refuse("SubmitServiceJob", "serviceJobs");
export const describeServiceJob = refuse("DescribeServiceJob", "serviceJobs");
export const listServiceJobs = refuse("ListServiceJobs", "serviceJobs");
export const updateServiceJob = refuse("UpdateServiceJob", "serviceJobs");
export const terminateServiceJob = refuse("TerminateServiceJob", "serviceJobs");
export const terminateServiceJobs = refuse("TerminateServiceJobs", "serviceJobs");
export const createQuotaShare = refuse("CreateQuotaShare", "quotaShares");
export const describeQuotaShare = refuse("DescribeQuotaShare", "quotaShares");
export const listQuotaShares = refuse("ListQuotaShares", "quotaShares");
export const updateQuotaShare = refuse("UpdateQuotaShare", "quotaShares");
export const deleteQuotaShare = refuse("DeleteQuotaShare", "quotaShares");

const op = (
  name: string,
  permission: Permission,
  run: AwsOnlyMethod,
): Operation<typeof awsOnlyInput, AwsOnlyOutput> => ({
  name,
  permission,
  input: awsOnlyInput,
  run,
});

// Permissions as for the analogous resources: service environments as compute environments,
// quota shares as the job queues they divide. AWS service jobs carry no submitter Batchdeck can
// check, so changing or terminating one needs jobs.stopAny (as another member's job would).
export const AWS_ONLY_OPERATIONS = {
  CreateServiceEnvironment: op("CreateServiceEnvironment", "computeEnvironments.manage", createServiceEnvironment),
  DescribeServiceEnvironments: op("DescribeServiceEnvironments", "resources.view", describeServiceEnvironments),
  UpdateServiceEnvironment: op("UpdateServiceEnvironment", "computeEnvironments.manage", updateServiceEnvironment),
  DeleteServiceEnvironment: op("DeleteServiceEnvironment", "computeEnvironments.manage", deleteServiceEnvironment),
  SubmitServiceJob: op("SubmitServiceJob", "jobs.submit", submitServiceJob),
  DescribeServiceJob: op("DescribeServiceJob", "resources.view", describeServiceJob),
  ListServiceJobs: op("ListServiceJobs", "resources.view", listServiceJobs),
  UpdateServiceJob: op("UpdateServiceJob", "jobs.stopAny", updateServiceJob),
  TerminateServiceJob: op("TerminateServiceJob", "jobs.stopAny", terminateServiceJob),
  TerminateServiceJobs: op("TerminateServiceJobs", "jobs.stopAny", terminateServiceJobs),
  CreateQuotaShare: op("CreateQuotaShare", "jobQueues.manage", createQuotaShare),
  DescribeQuotaShare: op("DescribeQuotaShare", "resources.view", describeQuotaShare),
  ListQuotaShares: op("ListQuotaShares", "resources.view", listQuotaShares),
  UpdateQuotaShare: op("UpdateQuotaShare", "jobQueues.manage", updateQuotaShare),
  DeleteQuotaShare: op("DeleteQuotaShare", "jobQueues.manage", deleteQuotaShare),
} as const;

export type AwsOnlyMethodName =
  | "createServiceEnvironment"
  | "describeServiceEnvironments"
  | "updateServiceEnvironment"
  | "deleteServiceEnvironment"
  | "submitServiceJob"
  | "describeServiceJob"
  | "listServiceJobs"
  | "updateServiceJob"
  | "terminateServiceJob"
  | "terminateServiceJobs"
  | "createQuotaShare"
  | "describeQuotaShare"
  | "listQuotaShares"
  | "updateQuotaShare"
  | "deleteQuotaShare";

export const awsOnlyBuiltinMethods: Record<AwsOnlyMethodName, AwsOnlyMethod> = {
  createServiceEnvironment,
  describeServiceEnvironments,
  updateServiceEnvironment,
  deleteServiceEnvironment,
  submitServiceJob,
  describeServiceJob,
  listServiceJobs,
  updateServiceJob,
  terminateServiceJob,
  terminateServiceJobs,
  createQuotaShare,
  describeQuotaShare,
  listQuotaShares,
  updateQuotaShare,
  deleteQuotaShare,
};
