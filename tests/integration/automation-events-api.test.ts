// Amazon EventBridge's JSON 1.1 API over the wire: rules and their targets, signed with SigV4
// for "events" as `aws events --endpoint-url` signs it, on both databases: AWS's shapes and error
// names, roles and tenant isolation. Connections, API destinations and the audit trail are in
// automation-events-api-destinations.test.ts.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { listApiDestinationsForConsole } from "@/lib/automation/event-destinations";
import { listRulesWithTargets } from "@/lib/automation/event-rules";
import { PROVIDERS } from "../helpers/db";
import { FAILED_PATTERN, type Json, PATTERN, useEventsApi } from "../helpers/events-api";
import { contextFor } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

describe.each(PROVIDERS)("EventBridge API: rules and targets on %s", (provider) => {
  const s = useEventsApi(provider);
  const { call, ok, refused, destination } = s;

  it("puts, describes, lists, disables, enables and deletes rules with EventBridge's shapes", async () => {
    const { admin, accountId } = s.org;
    const put = await call(admin, "PutRule", { Name: "job-events", EventPattern: PATTERN, Description: "all jobs" });
    expect(put.status).toBe(200);
    expect(put.res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    const arn = `arn:aws:events:us-east-1:${accountId}:rule/job-events`;
    expect(put.body).toEqual({ RuleArn: arn });
    expect(await ok(admin, "DescribeRule", { Name: "job-events" })).toEqual({
      Name: "job-events",
      Arn: arn,
      EventPattern: PATTERN,
      State: "ENABLED",
      Description: "all jobs",
      EventBusName: "default",
      CreatedBy: accountId,
    });

    // PutRule again replaces: same ARN, omitted Description is not kept.
    expect(await ok(admin, "PutRule", { Name: "job-events", EventPattern: FAILED_PATTERN, State: "DISABLED" })).toEqual(
      { RuleArn: arn },
    );
    const replaced = await ok(admin, "DescribeRule", { Name: "job-events", EventBusName: "default" });
    expect(replaced).toMatchObject({ EventPattern: FAILED_PATTERN, State: "DISABLED" });
    expect(replaced.Description).toBeUndefined();

    await ok(admin, "EnableRule", { Name: "job-events" });
    expect((await ok(admin, "DescribeRule", { Name: "job-events" })).State).toBe("ENABLED");
    expect(await ok(admin, "DisableRule", { Name: "job-events" })).toEqual({});
    expect((await ok(admin, "DescribeRule", { Name: "job-events" })).State).toBe("DISABLED");
    expect(await refused(admin, "EnableRule", { Name: "nope" })).toMatchObject({ type: "ResourceNotFoundException" });

    // Listing: by name, paged, with a case-sensitive prefix.
    for (const name of ["list-a", "list-b", "list-c", "List-d"])
      await ok(admin, "PutRule", { Name: name, EventPattern: PATTERN });
    const first = await ok(admin, "ListRules", { NamePrefix: "list-", Limit: 2 });
    expect(first.Rules.map((r: Json) => r.Name)).toEqual(["list-a", "list-b"]);
    expect(first.Rules[0]).toEqual({
      Name: "list-a",
      Arn: `arn:aws:events:us-east-1:${accountId}:rule/list-a`,
      EventPattern: PATTERN,
      State: "ENABLED",
      EventBusName: "default",
    });
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await ok(admin, "ListRules", { NamePrefix: "list-", Limit: 2, NextToken: first.NextToken });
    expect(second.Rules.map((r: Json) => r.Name)).toEqual(["list-c"]);
    expect(second.NextToken).toBeUndefined();
    // "_" is a name character, not a LIKE wildcard.
    for (const name of ["under_score", "underXscore"])
      await ok(admin, "PutRule", { Name: name, EventPattern: PATTERN });
    expect((await ok(admin, "ListRules", { NamePrefix: "under_" })).Rules.map((r: Json) => r.Name)).toEqual([
      "under_score",
    ]);
    const all = (await ok(admin, "ListRules", {})).Rules.map((r: Json) => r.Name);
    expect(all).toEqual(expect.arrayContaining(["job-events", "list-a", "List-d"]));

    await ok(admin, "DeleteRule", { Name: "list-a" });
    expect(await refused(admin, "DescribeRule", { Name: "list-a" })).toEqual({
      type: "ResourceNotFoundException",
      status: 400,
      message: "Rule list-a does not exist on EventBus default.",
    });
    // As on AWS, deleting what is not there succeeds.
    expect(await ok(admin, "DeleteRule", { Name: "list-a" })).toEqual({});
  });

  it("refuses what EventBridge or Batchdeck cannot take, with ValidationException and kin", async () => {
    const { admin } = s.org;
    const badPattern = await refused(admin, "PutRule", { Name: "bad", EventPattern: '{"source": "aws.batch"}' });
    expect(badPattern.type).toBe("InvalidEventPatternException");
    expect(badPattern.status).toBe(400);
    expect(badPattern.message).toMatch(/^Event pattern is not valid/);
    expect((await refused(admin, "PutRule", { Name: "bad", EventPattern: "{not json" })).type).toBe(
      "InvalidEventPatternException",
    );
    expect(await refused(admin, "PutRule", { Name: "bad", ScheduleExpression: "rate(5 minutes)" })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("EventBridge Scheduler"),
    });
    expect(await refused(admin, "PutRule", { Name: "bad" })).toMatchObject({
      type: "ValidationException",
      message: "Parameter EventPattern must be specified.",
    });
    expect(await refused(admin, "PutRule", { Name: "has space", EventPattern: PATTERN })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("Name can contain only"),
    });
    expect(await refused(admin, "PutRule", { EventPattern: PATTERN })).toMatchObject({
      type: "ValidationException",
      message: "Name is required.",
    });
    expect(await refused(admin, "PutRule", { Name: "bad", EventPattern: PATTERN, State: "ON" })).toMatchObject({
      type: "ValidationException",
      message: "State must be ENABLED or DISABLED.",
    });
    expect(
      await refused(admin, "PutRule", { Name: "bad", EventPattern: PATTERN, EventBusName: "orders" }),
    ).toMatchObject({
      type: "ResourceNotFoundException",
      message: expect.stringContaining("Event bus orders does not exist"),
    });
    expect(await refused(admin, "ListRules", { Limit: 0 })).toMatchObject({ type: "ValidationException" });
    expect(await refused(admin, "ListRules", { NextToken: "!!" })).toMatchObject({ type: "ValidationException" });
    expect(await refused(admin, "ListTargetsByRule", { Rule: 5 })).toMatchObject({
      type: "ValidationException",
      message: "Rule must be a string.",
    });

    const raw = await call(admin, "PutRule", null, "{not json");
    expect([raw.status, raw.type]).toEqual([400, "ValidationException"]);
    const unknown = await call(admin, "PutEvents", {});
    expect([unknown.status, unknown.type]).toEqual([400, "UnknownOperationException"]);
    const proto = await call(admin, "constructor", {});
    expect(proto.type).toBe("UnknownOperationException");
    // Nothing of that was stored.
    expect(await s.t.db.eventRule.count({ where: { organizationId: s.org.organizationId, name: "bad" } })).toBe(0);
  });

  it("puts, lists and removes targets: webhooks and job queues, failed entries for foreign ARNs", async () => {
    const { admin, accountId } = s.org;
    const dest = await destination(admin, "ops-hook");
    const queueArn = `arn:aws:batch:us-east-1:${accountId}:job-queue/nightly`;
    await ok(admin, "PutRule", { Name: "failures", EventPattern: FAILED_PATTERN });

    const put = await ok(admin, "PutTargets", {
      Rule: "failures",
      Targets: [
        { Id: "hook", Arn: dest.ApiDestinationArn },
        {
          Id: "retry",
          Arn: queueArn,
          Input: '{"parameters":{"reason":"failure"}}',
          BatchParameters: {
            JobDefinition: "cleanup",
            JobName: "cleanup-after-failure",
            ArrayProperties: { Size: 3 },
            RetryStrategy: { Attempts: 2 },
          },
        },
      ],
    });
    expect(put).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    expect(await ok(admin, "ListTargetsByRule", { Rule: "failures" })).toEqual({
      Targets: [
        { Id: "hook", Arn: dest.ApiDestinationArn },
        {
          Id: "retry",
          Arn: queueArn,
          Input: '{"parameters":{"reason":"failure"}}',
          BatchParameters: {
            JobDefinition: "cleanup",
            JobName: "cleanup-after-failure",
            ArrayProperties: { Size: 3 },
            RetryStrategy: { Attempts: 2 },
          },
        },
      ],
    });
    const rows = await s.t.db.eventTarget.findMany({
      where: { organizationId: s.org.organizationId },
      orderBy: { targetId: "asc" },
    });
    expect(
      rows.filter((r) => r.targetId === "hook" || r.targetId === "retry").map((r) => [r.targetId, r.kind]),
    ).toEqual([
      ["hook", "WEBHOOK"],
      ["retry", "JOB_QUEUE"],
    ]);
    expect(JSON.parse(rows.find((r) => r.targetId === "retry")?.batchParameters ?? "null")).toEqual({
      jobDefinition: "cleanup",
      jobName: "cleanup-after-failure",
      arraySize: 3,
      attempts: 2,
    });

    // Another organization's destination and queue, an unknown queue and another service: failed
    // entries; the good entry in the same call is stored (upserted by Id).
    const theirs = await destination(s.other.admin, "their-hook");
    const mixed = await ok(admin, "PutTargets", {
      Rule: "failures",
      Targets: [
        { Id: "hook", Arn: dest.ApiDestinationArn, Input: '{"note":"replaced"}' },
        { Id: "foreign-hook", Arn: theirs.ApiDestinationArn },
        {
          Id: "foreign-queue",
          Arn: `arn:aws:batch:us-east-1:${s.other.accountId}:job-queue/theirs`,
          BatchParameters: { JobDefinition: "d", JobName: "n" },
        },
        {
          Id: "missing-queue",
          Arn: `arn:aws:batch:us-east-1:${accountId}:job-queue/nope`,
          BatchParameters: { JobDefinition: "d", JobName: "n" },
        },
        { Id: "lambda", Arn: `arn:aws:lambda:us-east-1:${accountId}:function:f` },
      ],
    });
    expect(mixed.FailedEntryCount).toBe(4);
    expect(mixed.FailedEntries).toEqual([
      {
        TargetId: "foreign-hook",
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `${theirs.ApiDestinationArn} does not exist.`,
      },
      {
        TargetId: "foreign-queue",
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: expect.stringContaining("does not exist"),
      },
      {
        TargetId: "missing-queue",
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: expect.stringContaining("does not exist"),
      },
      {
        TargetId: "lambda",
        ErrorCode: "ValidationException",
        ErrorMessage: expect.stringContaining("API destination"),
      },
    ]);
    const targets = (await ok(admin, "ListTargetsByRule", { Rule: "failures" })).Targets;
    expect(targets.map((x: Json) => x.Id)).toEqual(["hook", "retry"]);
    expect(targets[0].Input).toBe('{"note":"replaced"}');

    // Whole-request refusals.
    expect(
      await refused(admin, "PutTargets", { Rule: "failures", Targets: [{ Id: "q", Arn: queueArn }] }),
    ).toMatchObject({ type: "ValidationException", message: expect.stringContaining("BatchParameters") });
    expect(
      (
        await refused(admin, "PutTargets", {
          Rule: "failures",
          Targets: [{ Id: "x", Arn: dest.ApiDestinationArn, Input: "{" }],
        })
      ).type,
    ).toBe("ValidationException");
    expect(
      (
        await refused(admin, "PutTargets", {
          Rule: "failures",
          Targets: [{ Id: "x", Arn: dest.ApiDestinationArn, InputPath: "$.detail" }],
        })
      ).message,
    ).toContain("InputPath is not supported");
    expect(
      (await refused(admin, "PutTargets", { Rule: "nope", Targets: [{ Id: "x", Arn: dest.ApiDestinationArn }] })).type,
    ).toBe("ResourceNotFoundException");
    const tooMany = await refused(admin, "PutTargets", {
      Rule: "failures",
      Targets: ["a", "b", "c", "d"].map((id) => ({ Id: id, Arn: dest.ApiDestinationArn })),
    });
    expect(tooMany).toMatchObject({
      type: "LimitExceededException",
      message: expect.stringContaining("at most 5 targets"),
    });

    // The console's reads.
    const ctx = contextFor(s.t.db, s.org.organizationId, { id: "u", email: "a@example.com" }, "submitter");
    const console = (await listRulesWithTargets(ctx)).find((r) => r.name === "failures");
    expect(console?.targets.map((x) => [x.id, x.kind, x.resourceName])).toEqual([
      ["hook", "WEBHOOK", "ops-hook"],
      ["retry", "JOB_QUEUE", "nightly"],
    ]);
    expect(typeof console?.createdAt).toBe("number");
    const hooks = (await listApiDestinationsForConsole(ctx)).find((d) => d.name === "ops-hook");
    expect(hooks).toMatchObject({
      arn: dest.ApiDestinationArn,
      state: "ACTIVE",
      connection: { name: "ops-hook-conn", authorizationType: "API_KEY" },
      usedBy: [{ rule: "failures", targetId: "hook" }],
    });

    // In use: neither the rule nor the destination can go.
    expect(await refused(admin, "DeleteRule", { Name: "failures" })).toMatchObject({
      type: "ValidationException",
      message: "Rule can't be deleted since it has targets.",
    });
    expect(await refused(admin, "DeleteApiDestination", { Name: "ops-hook" })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("failures"),
    });

    expect(await ok(admin, "RemoveTargets", { Rule: "failures", Ids: ["hook", "retry", "never-was"] })).toEqual({
      FailedEntryCount: 0,
      FailedEntries: [],
    });
    expect((await ok(admin, "ListTargetsByRule", { Rule: "failures" })).Targets).toEqual([]);
    await ok(admin, "DeleteRule", { Name: "failures" });
    await ok(admin, "DeleteApiDestination", { Name: "ops-hook" });
  });

  it("lets a submitter read but not write, and a developer write", async () => {
    const { admin, submitter, developer } = s.org;
    await ok(admin, "PutRule", { Name: "shared", EventPattern: PATTERN });
    expect((await ok(submitter, "DescribeRule", { Name: "shared" })).Name).toBe("shared");
    expect((await ok(submitter, "ListRules", { NamePrefix: "shared" })).Rules).toHaveLength(1);
    expect((await ok(submitter, "ListTargetsByRule", { Rule: "shared" })).Targets).toEqual([]);
    expect(Array.isArray((await ok(submitter, "ListApiDestinations", {})).ApiDestinations)).toBe(true);

    const denied = await refused(submitter, "PutRule", { Name: "shared", EventPattern: FAILED_PATTERN });
    expect(denied).toMatchObject({ type: "AccessDeniedException", status: 403 });
    for (const [op, input] of [
      ["DisableRule", { Name: "shared" }],
      ["DeleteRule", { Name: "shared" }],
      [
        "PutTargets",
        { Rule: "shared", Targets: [{ Id: "x", Arn: "arn:aws:lambda:us-east-1:123456789012:function:f" }] },
      ],
      ["RemoveTargets", { Rule: "shared", Ids: ["x"] }],
      [
        "CreateConnection",
        {
          Name: "c",
          AuthorizationType: "BASIC",
          AuthParameters: { BasicAuthParameters: { Username: "a", Password: "b" } },
        },
      ],
    ] as const) {
      expect((await refused(submitter, op, input)).type, op).toBe("AccessDeniedException");
    }
    expect((await ok(admin, "DescribeRule", { Name: "shared" })).EventPattern).toBe(PATTERN);

    await ok(developer, "DisableRule", { Name: "shared" });
    expect((await ok(submitter, "DescribeRule", { Name: "shared" })).State).toBe("DISABLED");
  });

  it("keeps organizations apart", async () => {
    await ok(s.org.admin, "PutRule", { Name: "private-rule", EventPattern: PATTERN });
    const dest = await destination(s.org.admin, "private-hook");
    expect((await refused(s.other.admin, "DescribeRule", { Name: "private-rule" })).type).toBe(
      "ResourceNotFoundException",
    );
    expect((await ok(s.other.admin, "ListRules", {})).Rules.map((r: Json) => r.Name)).not.toContain("private-rule");
    expect((await refused(s.other.admin, "DescribeApiDestination", { Name: "private-hook" })).type).toBe(
      "ResourceNotFoundException",
    );
    expect((await refused(s.other.admin, "DescribeConnection", { Name: "private-hook-conn" })).type).toBe(
      "ResourceNotFoundException",
    );
    expect((await ok(s.other.admin, "ListApiDestinations", {})).ApiDestinations.map((d: Json) => d.Name)).not.toContain(
      "private-hook",
    );
    // Their own rule of the same name is theirs; our destination is not a target they can name.
    expect((await ok(s.other.admin, "PutRule", { Name: "private-rule", EventPattern: FAILED_PATTERN })).RuleArn).toBe(
      `arn:aws:events:us-east-1:${s.other.accountId}:rule/private-rule`,
    );
    const put = await ok(s.other.admin, "PutTargets", {
      Rule: "private-rule",
      Targets: [{ Id: "steal", Arn: dest.ApiDestinationArn }],
    });
    expect(put.FailedEntryCount).toBe(1);
    expect((await ok(s.org.admin, "DescribeRule", { Name: "private-rule" })).EventPattern).toBe(PATTERN);
    expect(await refused(s.other.admin, "DeleteApiDestination", { Name: "private-hook" })).toMatchObject({
      type: "ResourceNotFoundException",
    });
  });
});
