import { CreateComputeEnvironmentCommand, DescribeComputeEnvironmentsCommand } from "@aws-sdk/client-batch";
import { expect, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";

test("the access key configured for the first admin drives /v1 on a headless setup", async () => {
  const batch = batchClient();
  const name = uniqueName("ce");
  const created = await batch.send(
    new CreateComputeEnvironmentCommand({
      computeEnvironmentName: name,
      type: "MANAGED",
      computeResources: { type: "EC2", maxvCpus: 4, subnets: [], instanceRole: "local" },
    }),
  );
  expect(created.computeEnvironmentArn).toMatch(new RegExp(`:compute-environment/${name}$`));
  const described = await batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: [name] }));
  expect(described.computeEnvironments?.map((ce) => ce.computeEnvironmentName)).toEqual([name]);
});

test("a wrong secret is refused with AWS's error", async () => {
  const batch = batchClient({
    accessKeyId: "AKIAE2EADMIN0000TEST",
    secretAccessKey: "not-the-secret-0000000000000000",
  });
  await expect(batch.send(new DescribeComputeEnvironmentsCommand({}))).rejects.toMatchObject({
    name: "InvalidSignatureException",
  });
});
