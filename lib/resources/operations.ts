// The resource operations as the action and /v1 wrappers call them: AWS operation name, the
// permission the caller needs, the request schema and the domain function. One table, so the
// role matrix test and both wrappers read the same mapping. Tag changes need, in addition,
// the permission that manages the tagged resource; TagResource/UntagResource check that
// themselves because it depends on the ARN.
import type { z } from "zod";
import type { Operation } from "@/lib/auth/operation";
import {
  createComputeEnvironment,
  createComputeEnvironmentInput,
} from "./compute-environments/create-compute-environment";
import {
  deleteComputeEnvironment,
  deleteComputeEnvironmentInput,
} from "./compute-environments/delete-compute-environment";
import {
  describeComputeEnvironments,
  describeComputeEnvironmentsInput,
} from "./compute-environments/describe-compute-environments";
import {
  updateComputeEnvironment,
  updateComputeEnvironmentInput,
} from "./compute-environments/update-compute-environment";
import {
  createConsumableResource,
  createConsumableResourceInput,
} from "./consumable-resources/create-consumable-resource";
import {
  deleteConsumableResource,
  deleteConsumableResourceInput,
} from "./consumable-resources/delete-consumable-resource";
import {
  describeConsumableResource,
  describeConsumableResourceInput,
} from "./consumable-resources/describe-consumable-resource";
import {
  listConsumableResources,
  listConsumableResourcesInput,
} from "./consumable-resources/list-consumable-resources";
import {
  listJobsByConsumableResource,
  listJobsByConsumableResourceInput,
} from "./consumable-resources/list-jobs-by-consumable-resource";
import {
  updateConsumableResource,
  updateConsumableResourceInput,
} from "./consumable-resources/update-consumable-resource";
import { deregisterJobDefinition, deregisterJobDefinitionInput } from "./job-definitions/deregister-job-definition";
import { describeJobDefinitions, describeJobDefinitionsInput } from "./job-definitions/describe-job-definitions";
import { registerJobDefinition, registerJobDefinitionInput } from "./job-definitions/register-job-definition";
import { createJobQueue, createJobQueueInput } from "./job-queues/create-job-queue";
import { deleteJobQueue, deleteJobQueueInput } from "./job-queues/delete-job-queue";
import { describeJobQueues, describeJobQueuesInput } from "./job-queues/describe-job-queues";
import { updateJobQueue, updateJobQueueInput } from "./job-queues/update-job-queue";
import { createSchedulingPolicy, createSchedulingPolicyInput } from "./scheduling-policies/create-scheduling-policy";
import { deleteSchedulingPolicy, deleteSchedulingPolicyInput } from "./scheduling-policies/delete-scheduling-policy";
import {
  describeSchedulingPolicies,
  describeSchedulingPoliciesInput,
} from "./scheduling-policies/describe-scheduling-policies";
import { listSchedulingPolicies, listSchedulingPoliciesInput } from "./scheduling-policies/list-scheduling-policies";
import { updateSchedulingPolicy, updateSchedulingPolicyInput } from "./scheduling-policies/update-scheduling-policy";
import { listTagsForResource, listTagsForResourceInput } from "./tags/list-tags-for-resource";
import { tagResource, tagResourceInput } from "./tags/tag-resource";
import { untagResource, untagResourceInput } from "./tags/untag-resource";

const op = <S extends z.ZodType, T>(o: Operation<S, T>) => o;

export const RESOURCE_OPERATIONS = {
  CreateComputeEnvironment: op({
    name: "CreateComputeEnvironment",
    permission: "computeEnvironments.manage",
    input: createComputeEnvironmentInput,
    run: createComputeEnvironment,
  }),
  DescribeComputeEnvironments: op({
    name: "DescribeComputeEnvironments",
    permission: "resources.view",
    input: describeComputeEnvironmentsInput,
    run: describeComputeEnvironments,
  }),
  UpdateComputeEnvironment: op({
    name: "UpdateComputeEnvironment",
    permission: "computeEnvironments.manage",
    input: updateComputeEnvironmentInput,
    run: updateComputeEnvironment,
  }),
  DeleteComputeEnvironment: op({
    name: "DeleteComputeEnvironment",
    permission: "computeEnvironments.manage",
    input: deleteComputeEnvironmentInput,
    run: deleteComputeEnvironment,
  }),
  CreateJobQueue: op({
    name: "CreateJobQueue",
    permission: "jobQueues.manage",
    input: createJobQueueInput,
    run: createJobQueue,
  }),
  DescribeJobQueues: op({
    name: "DescribeJobQueues",
    permission: "resources.view",
    input: describeJobQueuesInput,
    run: describeJobQueues,
  }),
  UpdateJobQueue: op({
    name: "UpdateJobQueue",
    permission: "jobQueues.manage",
    input: updateJobQueueInput,
    run: updateJobQueue,
  }),
  DeleteJobQueue: op({
    name: "DeleteJobQueue",
    permission: "jobQueues.manage",
    input: deleteJobQueueInput,
    run: deleteJobQueue,
  }),
  CreateSchedulingPolicy: op({
    name: "CreateSchedulingPolicy",
    permission: "schedulingPolicies.manage",
    input: createSchedulingPolicyInput,
    run: createSchedulingPolicy,
  }),
  DescribeSchedulingPolicies: op({
    name: "DescribeSchedulingPolicies",
    permission: "resources.view",
    input: describeSchedulingPoliciesInput,
    run: describeSchedulingPolicies,
  }),
  ListSchedulingPolicies: op({
    name: "ListSchedulingPolicies",
    permission: "resources.view",
    input: listSchedulingPoliciesInput,
    run: listSchedulingPolicies,
  }),
  UpdateSchedulingPolicy: op({
    name: "UpdateSchedulingPolicy",
    permission: "schedulingPolicies.manage",
    input: updateSchedulingPolicyInput,
    run: updateSchedulingPolicy,
  }),
  DeleteSchedulingPolicy: op({
    name: "DeleteSchedulingPolicy",
    permission: "schedulingPolicies.manage",
    input: deleteSchedulingPolicyInput,
    run: deleteSchedulingPolicy,
  }),
  CreateConsumableResource: op({
    name: "CreateConsumableResource",
    permission: "consumableResources.manage",
    input: createConsumableResourceInput,
    run: createConsumableResource,
  }),
  DescribeConsumableResource: op({
    name: "DescribeConsumableResource",
    permission: "resources.view",
    input: describeConsumableResourceInput,
    run: describeConsumableResource,
  }),
  ListConsumableResources: op({
    name: "ListConsumableResources",
    permission: "resources.view",
    input: listConsumableResourcesInput,
    run: listConsumableResources,
  }),
  UpdateConsumableResource: op({
    name: "UpdateConsumableResource",
    permission: "consumableResources.manage",
    input: updateConsumableResourceInput,
    run: updateConsumableResource,
  }),
  DeleteConsumableResource: op({
    name: "DeleteConsumableResource",
    permission: "consumableResources.manage",
    input: deleteConsumableResourceInput,
    run: deleteConsumableResource,
  }),
  ListJobsByConsumableResource: op({
    name: "ListJobsByConsumableResource",
    permission: "resources.view",
    input: listJobsByConsumableResourceInput,
    run: listJobsByConsumableResource,
  }),
  RegisterJobDefinition: op({
    name: "RegisterJobDefinition",
    permission: "jobDefinitions.manage",
    input: registerJobDefinitionInput,
    run: registerJobDefinition,
  }),
  DescribeJobDefinitions: op({
    name: "DescribeJobDefinitions",
    permission: "resources.view",
    input: describeJobDefinitionsInput,
    run: describeJobDefinitions,
  }),
  DeregisterJobDefinition: op({
    name: "DeregisterJobDefinition",
    permission: "jobDefinitions.manage",
    input: deregisterJobDefinitionInput,
    run: deregisterJobDefinition,
  }),
  TagResource: op({ name: "TagResource", permission: "resources.view", input: tagResourceInput, run: tagResource }),
  UntagResource: op({
    name: "UntagResource",
    permission: "resources.view",
    input: untagResourceInput,
    run: untagResource,
  }),
  ListTagsForResource: op({
    name: "ListTagsForResource",
    permission: "resources.view",
    input: listTagsForResourceInput,
    run: listTagsForResource,
  }),
} as const;

export type ResourceOperationName = keyof typeof RESOURCE_OPERATIONS;
