// Consumable resources on the AWS backend: the SDK commands with the request as it came (already
// validated in AWS's shape), the response without the SDK's metadata, and an audit entry for
// every change AWS accepted.
import {
  CreateConsumableResourceCommand,
  DeleteConsumableResourceCommand,
  DescribeConsumableResourceCommand,
  ListConsumableResourcesCommand,
  ListJobsByConsumableResourceCommand,
  UpdateConsumableResourceCommand,
} from "@aws-sdk/client-batch";
import { compact } from "@/lib/batch/shapes/common";
import type { BatchBackend } from "../types";
import { auditAws, callBatch } from "./call";
import type { AwsClients } from "./clients";

type Methods = Pick<
  BatchBackend,
  | "createConsumableResource"
  | "describeConsumableResource"
  | "listConsumableResources"
  | "updateConsumableResource"
  | "deleteConsumableResource"
  | "listJobsByConsumableResource"
>;

const withToken = <T extends object>(body: T, nextToken: string | undefined) =>
  nextToken ? { ...body, nextToken } : body;

const requirements = (p: { consumableResourceList?: { consumableResource?: string; quantity?: number }[] } = {}) => ({
  consumableResourceList: (p.consumableResourceList ?? []).map((r) => ({
    consumableResource: r.consumableResource ?? "",
    quantity: r.quantity ?? 0,
  })),
});

export function awsConsumableResourceMethods(clients: AwsClients): Methods {
  const batch = <T extends { $metadata?: unknown }>(send: (c: AwsClients["batch"]) => Promise<T>) =>
    callBatch(clients, send);
  return {
    async createConsumableResource(ctx, input) {
      const out = await batch((c) => c.send(new CreateConsumableResourceCommand(input)));
      const result = {
        consumableResourceName: out.consumableResourceName ?? input.consumableResourceName,
        consumableResourceArn: out.consumableResourceArn ?? "",
      };
      await auditAws(ctx, {
        action: "consumableResource.create",
        targetType: "consumableResource",
        targetId: result.consumableResourceArn || input.consumableResourceName,
      });
      return result;
    },
    async describeConsumableResource(_ctx, input) {
      const out = await batch((c) => c.send(new DescribeConsumableResourceCommand(input)));
      return compact({ ...out }) as Record<string, unknown>;
    },
    async listConsumableResources(_ctx, input) {
      const out = await batch((c) => c.send(new ListConsumableResourcesCommand(input)));
      const consumableResources = (out.consumableResources ?? []).map((r) => ({
        consumableResourceArn: r.consumableResourceArn ?? "",
        consumableResourceName: r.consumableResourceName ?? "",
        totalQuantity: r.totalQuantity ?? 0,
        inUseQuantity: r.inUseQuantity ?? 0,
        resourceType: r.resourceType ?? "REPLENISHABLE",
      }));
      return withToken({ consumableResources }, out.nextToken);
    },
    async updateConsumableResource(ctx, input) {
      const out = await batch((c) => c.send(new UpdateConsumableResourceCommand(input)));
      const result = {
        consumableResourceName: out.consumableResourceName ?? "",
        consumableResourceArn: out.consumableResourceArn ?? "",
        totalQuantity: out.totalQuantity ?? 0,
      };
      await auditAws(ctx, {
        action: "consumableResource.update",
        targetType: "consumableResource",
        targetId: result.consumableResourceArn || input.consumableResource,
        details: { operation: input.operation ?? "SET", quantity: input.quantity },
      });
      return result;
    },
    async deleteConsumableResource(ctx, input) {
      await batch((c) => c.send(new DeleteConsumableResourceCommand(input)));
      await auditAws(ctx, {
        action: "consumableResource.delete",
        targetType: "consumableResource",
        targetId: input.consumableResource,
      });
      return {} as Record<string, never>;
    },
    async listJobsByConsumableResource(_ctx, input) {
      const out = await batch((c) => c.send(new ListJobsByConsumableResourceCommand(input)));
      const jobs = (out.jobs ?? []).map((j) => ({
        ...compact({
          shareIdentifier: j.shareIdentifier,
          statusReason: j.statusReason,
          startedAt: j.startedAt,
        }),
        jobArn: j.jobArn ?? "",
        jobQueueArn: j.jobQueueArn ?? "",
        jobName: j.jobName ?? "",
        jobDefinitionArn: j.jobDefinitionArn ?? "",
        jobStatus: j.jobStatus ?? "",
        quantity: j.quantity ?? 0,
        createdAt: j.createdAt ?? 0,
        consumableResourceProperties: requirements(j.consumableResourceProperties),
      }));
      return withToken({ jobs }, out.nextToken);
    },
  };
}
