// GetJobQueueSnapshot on the AWS backend: AWS's answer reaches the caller whole, the queue's
// utilization included (aws-sdk-client-mock plays AWS).
import { BatchClient, GetJobQueueSnapshotCommand } from "@aws-sdk/client-batch";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { awsBackend } from ".";
import { createAwsClients } from "./clients";

// getJobQueueSnapshot reads nothing from the caller's context; the AWS call is what is under test.
const ctx = {} as OrgContext;

describe("the AWS backend's GetJobQueueSnapshot (aws-sdk-client-mock)", () => {
  const batch = mockClient(BatchClient);
  const clients = createAwsClients(
    {
      region: "us-east-1",
      credentialMode: "keys",
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "x".repeat(40),
    },
    "org-1",
  );
  const backend = awsBackend(clients);
  afterEach(() => batch.reset());
  afterAll(() => {
    batch.restore();
    clients.destroy();
  });

  const jobArn = "arn:aws:batch:us-east-1:123456789012:job/1f2e";

  it("passes AWS's queueUtilization through in AWS's shape", async () => {
    const queueUtilization = {
      totalCapacityUsage: [{ capacityUnit: "VCPU", quantity: 12.5 }],
      fairshareUtilization: {
        activeShareCount: 23,
        topCapacityUtilization: [
          { shareIdentifier: "blue", capacityUsage: [{ capacityUnit: "VCPU", quantity: 8 }] },
          { shareIdentifier: "red", capacityUsage: [{ capacityUnit: "VCPU", quantity: 4.5 }] },
        ],
      },
      lastUpdatedAt: 1_700_000_000_123,
    };
    batch.on(GetJobQueueSnapshotCommand, { jobQueue: "fs" }).resolves({
      frontOfQueue: { jobs: [{ jobArn, earliestTimeAtPosition: 1_700_000_000_000 }], lastUpdatedAt: 1_700_000_000_100 },
      queueUtilization,
    });
    expect(await backend.getJobQueueSnapshot(ctx, { jobQueue: "fs" })).toEqual({
      frontOfQueue: { jobs: [{ jobArn, earliestTimeAtPosition: 1_700_000_000_000 }], lastUpdatedAt: 1_700_000_000_100 },
      queueUtilization,
    });
  });

  it("keeps units other than VCPU and a quota-share breakdown as AWS sends them", async () => {
    const queueUtilization = {
      totalCapacityUsage: [{ capacityUnit: "cpu", quantity: 3 }],
      quotaShareUtilization: {
        topCapacityUtilization: [{ quotaShareName: "team-a", capacityUsage: [{ capacityUnit: "cpu", quantity: 3 }] }],
      },
      lastUpdatedAt: 1_700_000_000_123,
    };
    batch.on(GetJobQueueSnapshotCommand).resolves({ frontOfQueue: { jobs: [], lastUpdatedAt: 1 }, queueUtilization });
    const snapshot = await backend.getJobQueueSnapshot(ctx, { jobQueue: "eks" });
    expect(snapshot.queueUtilization).toEqual(queueUtilization);
    expect(snapshot.queueUtilization).not.toHaveProperty("fairshareUtilization");
  });

  it("leaves queueUtilization out when AWS does, rather than reporting zero", async () => {
    batch.on(GetJobQueueSnapshotCommand).resolves({ frontOfQueue: { jobs: [], lastUpdatedAt: 1 } });
    const snapshot = await backend.getJobQueueSnapshot(ctx, { jobQueue: "q" });
    expect(snapshot).toEqual({ frontOfQueue: { jobs: [], lastUpdatedAt: 1 } });
    expect(snapshot).not.toHaveProperty("queueUtilization");
  });
});
