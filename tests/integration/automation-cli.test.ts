// The real AWS CLI's `scheduler` (EventBridge Scheduler, restJson1) and `events` (EventBridge,
// JSON 1.1) commands against Batchdeck over HTTP, unchanged, the way a user points them at it with
// --endpoint-url: botocore serializes, signs and parses independently of the handlers.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");
const run = promisify(execFile);

/** Whether the `aws` on PATH knows a command (`scheduler` came to the CLI in late 2022). */
function cliHas(args: string[]): boolean {
  try {
    execFileSync("aws", [...args, "help"], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
const CLI_HAS_SCHEDULER = cliHas(["scheduler", "create-schedule"]);
const CLI_HAS_EVENTS = cliHas(["events", "create-api-destination"]);

const ZONE = "Europe/Paris";

/**
 * A timestamp as the CLI prints it, in epoch ms: CLI v1 prints what it parsed off the wire
 * (epoch seconds with a fraction), v2 an ISO 8601 string.
 */
function shownMs(shown: unknown): number {
  if (typeof shown === "number") return Math.round(shown * 1000);
  if (typeof shown === "string" && !Number.isNaN(Date.parse(shown))) return Date.parse(shown);
  throw new Error(`not a timestamp: ${JSON.stringify(shown)}`);
}

const configDir = mkdtempSync(join(tmpdir(), "batchdeck-cli-"));
/** An AWS config file that keeps URL-valued parameters as text (see aws() below). */
const NO_URL_FOLLOWING = join(configDir, "config");
writeFileSync(NO_URL_FOLLOWING, "[default]\ncli_follow_urlparam = false\n");
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

/** The wall-clock fields of an instant in a time zone. */
function wallTime(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(ms));
  const field = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: field("year"),
    month: field("month"),
    day: field("day"),
    hour: field("hour"),
    minute: field("minute"),
    second: field("second"),
  };
}

/**
 * The first instant strictly after `after` whose wall time in Paris is 02:00:00: for the Paris
 * date of `after` and the days following, the UTC instants of 02:00 at Paris's two offsets (+1,
 * +2), kept when Intl agrees the instant reads 02:00 there.
 */
function nextParisTwoAm(after: number): number {
  const { year, month, day } = wallTime(after, ZONE);
  for (let i = 0; i < 3; i++) {
    for (const offsetHours of [1, 2]) {
      const candidate = Date.UTC(year, month - 1, day + i, 2 - offsetHours, 0, 0);
      const w = wallTime(candidate, ZONE);
      if (candidate > after && w.hour === 2 && w.minute === 0 && w.second === 0) return candidate;
    }
  }
  throw new Error(`no 02:00 in ${ZONE} within three days of ${new Date(after).toISOString()}`);
}

describe.each(PROVIDERS)("the AWS CLI's scheduler and events commands against Batchdeck on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let creds: { accessKeyId: string; secretAccessKey: string };
  let organizationId: string;
  let queueArn: string;
  let definitionName: string;

  /**
   * `config`: an AWS config file instead of none. AWS CLI v1 fetches any parameter value that
   * starts with http:// or https:// and passes the page instead, unless cli_follow_urlparam is
   * false (v2 dropped that); create-api-destination's --invocation-endpoint is such a value.
   */
  async function aws(args: string[], config = "/dev/null") {
    const result = await run("aws", [...args, "--endpoint-url", server.endpoint, "--output", "json"], {
      env: {
        NODE_ENV: process.env.NODE_ENV,
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_PAGER: "",
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_MAX_ATTEMPTS: "1",
      },
    }).catch((error: { code?: number; stderr?: string }) => ({
      stdout: "",
      stderr: error.stderr ?? "",
      code: error.code,
    }));
    const code = "code" in result ? result.code : 0;
    return { code, stderr: result.stderr, json: result.stdout.trim() ? JSON.parse(result.stdout) : {} };
  }

  /** A call that must succeed: its JSON, with the CLI's stderr in the failure message otherwise. */
  async function ok(args: string[], config?: string) {
    const r = await aws(args, config);
    expect(r.code, `aws ${args.slice(0, 2).join(" ")}: ${r.stderr}`).toBe(0);
    return r.json;
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const world = await seedEngineWorld(t.db);
    organizationId = world.organizationId;
    queueArn = (await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } })).arn;
    definitionName = (await t.db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId } })).name;
    const membership = await t.db.membership.findFirstOrThrow({
      where: { organizationId, role: "admin" },
      include: { user: true },
    });
    creds = await createAccessKey(contextFor(t.db, organizationId, membership.user, "admin"), { description: "cli" });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  describe.skipIf(!CLI_HAS_SCHEDULER)("aws scheduler (skipped when the CLI on PATH has no scheduler command)", () => {
    const roleArn = "arn:aws:iam::123456789012:role/x";
    /** Scheduler's universal target: Input is the whole SubmitJob request. */
    const UNIVERSAL = "arn:aws:scheduler:::aws-sdk:batch:submitJob";
    let scheduleArn: string;
    let createdAt: number;
    const universalTarget = () => ({
      Arn: UNIVERSAL,
      RoleArn: roleArn,
      Input: JSON.stringify({ JobName: "nightly", JobQueue: queueArn, JobDefinition: definitionName }),
    });

    it("refuses, in the CLI itself, a Target with BatchParameters: Scheduler's Target has no such member", async () => {
      const templated = await aws([
        "scheduler",
        "create-schedule",
        "--name",
        "nightly",
        "--schedule-expression",
        "cron(0 2 * * ? *)",
        "--schedule-expression-timezone",
        ZONE,
        "--flexible-time-window",
        "Mode=OFF",
        "--target",
        JSON.stringify({
          Arn: queueArn,
          RoleArn: roleArn,
          BatchParameters: { JobDefinition: definitionName, JobName: "nightly" },
        }),
      ]);
      expect(templated.code).not.toBe(0);
      expect(templated.stderr).toMatch(/Parameter validation failed:\s+Unknown parameter in Target: "BatchParameters"/);
      expect(await t.db.schedule.count({ where: { organizationId } })).toBe(0);
    });

    it("creates a schedule whose next fire is the next 02:00 in Paris", async () => {
      const before = Date.now();
      const created = await ok([
        "scheduler",
        "create-schedule",
        "--name",
        "nightly",
        "--schedule-expression",
        "cron(0 2 * * ? *)",
        "--schedule-expression-timezone",
        ZONE,
        "--flexible-time-window",
        "Mode=OFF",
        "--target",
        JSON.stringify(universalTarget()),
      ]);
      const after = Date.now();
      expect(created).toEqual({
        ScheduleArn: expect.stringMatching(/^arn:aws:scheduler:us-east-1:\d{12}:schedule\/default\/nightly$/),
      });
      scheduleArn = created.ScheduleArn;

      const row = await t.db.schedule.findFirstOrThrow({ where: { organizationId, name: "nightly" } });
      createdAt = Number(row.createdAt);
      expect(createdAt).toBeGreaterThanOrEqual(before);
      expect(createdAt).toBeLessThanOrEqual(after);
      expect(row).toMatchObject({ expression: "cron(0 2 * * ? *)", timezone: ZONE, state: "ENABLED", roleArn });
      expect(JSON.parse(row.target)).toMatchObject({
        jobName: "nightly",
        jobQueue: queueArn,
        jobDefinition: definitionName,
      });
      expect(row.nextFireAt).not.toBeNull();
      const nextFireAt = Number(row.nextFireAt);
      expect(nextFireAt).toBe(nextParisTwoAm(createdAt));
      expect(wallTime(nextFireAt, ZONE)).toMatchObject({ hour: 2, minute: 0, second: 0 });
      expect(nextFireAt - createdAt).toBeGreaterThan(0);
      expect(nextFireAt - createdAt).toBeLessThanOrEqual(25 * 3600_000);
    });

    it("get-schedule shows the expression, zone, state, epoch-second dates and the target as created", async () => {
      const got = await ok(["scheduler", "get-schedule", "--name", "nightly"]);
      expect(got).toMatchObject({
        Arn: scheduleArn,
        Name: "nightly",
        GroupName: "default",
        ScheduleExpression: "cron(0 2 * * ? *)",
        ScheduleExpressionTimezone: ZONE,
        State: "ENABLED",
        FlexibleTimeWindow: { Mode: "OFF" },
      });
      // restJson1 timestamps are epoch seconds on the wire, milliseconds kept as the fraction.
      expect(shownMs(got.CreationDate)).toBe(createdAt);
      expect(shownMs(got.LastModificationDate)).toBe(createdAt);
      // As on AWS, GetSchedule's Target is the one CreateSchedule was given.
      expect(got.Target).toEqual(universalTarget());
    });

    it("list-schedules lists it", async () => {
      const listed = await ok(["scheduler", "list-schedules"]);
      expect(listed.Schedules).toHaveLength(1);
      expect(listed.Schedules[0]).toMatchObject({
        Arn: scheduleArn,
        Name: "nightly",
        GroupName: "default",
        State: "ENABLED",
      });
      expect(shownMs(listed.Schedules[0].CreationDate)).toBe(createdAt);
      expect(listed.Schedules[0].Target).toEqual({ Arn: UNIVERSAL });
    });

    it("update-schedule to rate(5 minutes), DISABLED, and get-schedule shows it", async () => {
      const updated = await ok([
        "scheduler",
        "update-schedule",
        "--name",
        "nightly",
        "--schedule-expression",
        "rate(5 minutes)",
        "--flexible-time-window",
        "Mode=OFF",
        "--state",
        "DISABLED",
        "--target",
        JSON.stringify(universalTarget()),
      ]);
      expect(updated).toEqual({ ScheduleArn: scheduleArn });
      const got = await ok(["scheduler", "get-schedule", "--name", "nightly"]);
      expect(got).toMatchObject({
        ScheduleExpression: "rate(5 minutes)",
        // UpdateSchedule replaces the whole schedule: the zone it omits is UTC again, as on AWS.
        ScheduleExpressionTimezone: "UTC",
        State: "DISABLED",
      });
      expect(shownMs(got.CreationDate)).toBe(createdAt);
      expect(shownMs(got.LastModificationDate)).toBeGreaterThanOrEqual(createdAt);
      const row = await t.db.schedule.findFirstOrThrow({ where: { organizationId, name: "nightly" } });
      expect(row).toMatchObject({ expression: "rate(5 minutes)", state: "DISABLED", nextFireAt: null });
      const disabled = await ok(["scheduler", "list-schedules", "--state", "DISABLED"]);
      expect(disabled.Schedules.map((s: { Name: string }) => s.Name)).toEqual(["nightly"]);
      expect((await ok(["scheduler", "list-schedules", "--state", "ENABLED"])).Schedules).toEqual([]);
      expect(got.Target).toEqual(universalTarget());
    });

    it("update-schedule takes back the Target get-schedule printed", async () => {
      const got = await ok(["scheduler", "get-schedule", "--name", "nightly"]);
      const again = await aws([
        "scheduler",
        "update-schedule",
        "--name",
        "nightly",
        "--schedule-expression",
        got.ScheduleExpression,
        "--flexible-time-window",
        "Mode=OFF",
        "--state",
        got.State,
        "--target",
        JSON.stringify(got.Target),
      ]);
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
    });

    it("refuses an invalid expression with ValidationException", async () => {
      const invalid = await aws([
        "scheduler",
        "create-schedule",
        "--name",
        "broken",
        "--schedule-expression",
        "cron(not a cron)",
        "--flexible-time-window",
        "Mode=OFF",
        "--target",
        JSON.stringify(universalTarget()),
      ]);
      expect(invalid.code).not.toBe(0);
      expect(invalid.stderr).toMatch(/\(ValidationException\) when calling the CreateSchedule operation[^:]*: \S/);
      expect(await t.db.schedule.count({ where: { organizationId, name: "broken" } })).toBe(0);
    });

    it("delete-schedule, then get-schedule answers ResourceNotFoundException", async () => {
      expect((await aws(["scheduler", "delete-schedule", "--name", "nightly"])).code).toBe(0);
      const gone = await aws(["scheduler", "get-schedule", "--name", "nightly"]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toMatch(/\(ResourceNotFoundException\) when calling the GetSchedule operation[^:]*: \S/);
      expect((await ok(["scheduler", "list-schedules"])).Schedules).toEqual([]);
      expect(await t.db.schedule.count({ where: { organizationId } })).toBe(0);
    });
  });

  it.skipIf(!CLI_HAS_EVENTS)(
    "manages a rule, a connection, an API destination and targets with aws events",
    async () => {
      const pattern = {
        source: ["aws.batch"],
        "detail-type": ["Batch Job State Change"],
        detail: { status: ["FAILED"] },
      };
      const rule = await ok(["events", "put-rule", "--name", "failed", "--event-pattern", JSON.stringify(pattern)]);
      expect(rule).toEqual({
        RuleArn: expect.stringMatching(/^arn:aws:events:us-east-1:\d{12}:rule\/failed$/),
      });
      const described = await ok(["events", "describe-rule", "--name", "failed"]);
      expect(described).toMatchObject({
        Name: "failed",
        Arn: rule.RuleArn,
        State: "ENABLED",
        EventBusName: "default",
      });
      expect(JSON.parse(described.EventPattern)).toEqual(pattern);
      const rules = await ok(["events", "list-rules"]);
      expect(rules.Rules).toEqual([expect.objectContaining({ Name: "failed", Arn: rule.RuleArn, State: "ENABLED" })]);

      expect((await aws(["events", "disable-rule", "--name", "failed"])).code).toBe(0);
      expect((await ok(["events", "describe-rule", "--name", "failed"])).State).toBe("DISABLED");
      expect((await aws(["events", "enable-rule", "--name", "failed"])).code).toBe(0);
      expect((await ok(["events", "describe-rule", "--name", "failed"])).State).toBe("ENABLED");

      const connection = await ok([
        "events",
        "create-connection",
        "--name",
        "c",
        "--authorization-type",
        "API_KEY",
        "--auth-parameters",
        JSON.stringify({ ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "s3cret" } }),
      ]);
      expect(connection).toMatchObject({
        ConnectionArn: expect.stringMatching(/^arn:aws:events:us-east-1:\d{12}:connection\/c\//),
        ConnectionState: "AUTHORIZED",
      });
      for (const field of ["CreationTime", "LastModifiedTime"] as const) {
        expect(Math.abs(shownMs(connection[field]) - Date.now()), field).toBeLessThan(60_000);
      }
      const destination = await ok(
        [
          "events",
          "create-api-destination",
          "--name",
          "hook",
          "--connection-arn",
          connection.ConnectionArn,
          "--invocation-endpoint",
          "https://example.com/hook",
          "--http-method",
          "POST",
        ],
        NO_URL_FOLLOWING,
      );
      expect(destination).toMatchObject({
        ApiDestinationArn: expect.stringMatching(/^arn:aws:events:us-east-1:\d{12}:api-destination\/hook\//),
        ApiDestinationState: "ACTIVE",
      });

      const put = await ok([
        "events",
        "put-targets",
        "--rule",
        "failed",
        "--targets",
        `Id=hook,Arn=${destination.ApiDestinationArn}`,
      ]);
      expect(put).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
      const targets = await ok(["events", "list-targets-by-rule", "--rule", "failed"]);
      expect(targets.Targets).toEqual([{ Id: "hook", Arn: destination.ApiDestinationArn }]);

      // A rule with targets cannot be deleted.
      const busy = await aws(["events", "delete-rule", "--name", "failed"]);
      expect(busy.code).not.toBe(0);
      expect(busy.stderr).toMatch(/\(ValidationException\) when calling the DeleteRule operation[^:]*: .*has targets/);

      const removed = await ok(["events", "remove-targets", "--rule", "failed", "--ids", "hook"]);
      expect(removed).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
      expect((await ok(["events", "list-targets-by-rule", "--rule", "failed"])).Targets).toEqual([]);
      expect((await aws(["events", "delete-rule", "--name", "failed"])).code).toBe(0);
      const gone = await aws(["events", "describe-rule", "--name", "failed"]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toMatch(/\(ResourceNotFoundException\) when calling the DescribeRule operation[^:]*: \S/);
      expect((await ok(["events", "list-rules"])).Rules).toEqual([]);

      const invalid = await aws([
        "events",
        "put-rule",
        "--name",
        "bad",
        "--event-pattern",
        JSON.stringify({ source: "aws.batch" }),
      ]);
      expect(invalid.code).not.toBe(0);
      expect(invalid.stderr).toMatch(/\(InvalidEventPatternException\) when calling the PutRule operation[^:]*: \S/);
      const unparsable = await aws(["events", "put-rule", "--name", "bad", "--event-pattern", "{not json"]);
      expect(unparsable.code).not.toBe(0);
      expect(unparsable.stderr).toMatch(/\(InvalidEventPatternException\) when calling the PutRule operation[^:]*: \S/);
      expect(await t.db.eventRule.count({ where: { organizationId } })).toBe(0);
    },
    90_000,
  );
});
