// The install's operator (issue 16): granted only from the host's shell, the first admin from
// the first run; sets any organization's quotas (audited in that organization) and reads every
// organization's quotas and usage; an organization admin who is not the operator can do none of
// it, and Settings → Quotas shows an organization its own figures only.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "@/lib/auth/bootstrap";
import { executeOperatorAction, isOperator } from "@/lib/auth/operator";
import { JobStatus } from "@/lib/batch/states";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { listOperators, setOperator } from "@/lib/operator/grant";
import {
  getOrganizationForOperator,
  listOrganizationsForOperator,
  saveOrganizationQuotas,
} from "@/lib/operator/organizations";
import { operatorUsage } from "@/lib/operator/usage";
import { quotaUsageNow } from "@/lib/quotas/current-usage";
import { defaultQuotas, effectiveQuotas, getQuotaSettings } from "@/lib/quotas/quotas";
import { operatorUsageQueryInput } from "@/lib/usage/usage-input";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { createOrgWithAdmin } from "../helpers/fixtures";

async function code(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe.each(PROVIDERS)("the install's operator (%s)", (provider) => {
  let t: TestDatabase;
  let operator: { id: string; email: string; name: string };
  let operatorOrg: string;

  beforeEach(async () => {
    t = await freshDatabase(provider);
    const first = await ensureFirstAdmin(t.db, { email: "root@example.com", password: "long enough pw" });
    expect(first.created).toBe(true);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    operator = { id: user.id, email: user.email, name: user.name };
    operatorOrg = (await t.db.membership.findFirstOrThrow({ where: { userId: user.id } })).organizationId;
  });
  afterEach(async () => {
    await t.close();
  });

  it("is the first admin, and is granted and revoked only by email from the shell", async () => {
    expect(await isOperator(t.db, operator.id)).toBe(true);
    const { admin } = await createOrgWithAdmin(t.db, "Tenant");
    expect(await isOperator(t.db, admin.id)).toBe(false);

    expect(await code(setOperator(t.db, operator.email, false))).toBe("CONFLICT"); // the only one
    expect(await setOperator(t.db, admin.email.toUpperCase(), true)).toBe("changed");
    expect(await setOperator(t.db, admin.email, true)).toBe("unchanged");
    expect(await listOperators(t.db)).toEqual([admin.email, operator.email].sort());
    expect(await setOperator(t.db, operator.email, false)).toBe("changed");
    expect(await isOperator(t.db, operator.id)).toBe(false);
    expect(await code(setOperator(t.db, "nobody@example.com", true))).toBe("NOT_FOUND");
  });

  it("sets another organization's quotas, audited in that organization; blank means the default", async () => {
    const tenant = await createOrgWithAdmin(t.db, "Tenant");
    const saved = await executeOperatorAction(
      saveOrganizationQuotas,
      { db: t.db, user: operator },
      {
        organizationId: tenant.organizationId,
        maxRunningVcpus: "4",
        maxWaitingJobs: "100",
        maxArraySize: "",
        submitRatePerSecond: "2.5",
        submitBurst: "",
        maxLogBytes: "1048576",
      },
    );
    expect(saved.chosen).toEqual({
      maxRunningVcpus: 4,
      maxWaitingJobs: 100,
      maxArraySize: null,
      submitRatePerSecond: 2.5,
      submitBurst: null,
      maxLogBytes: 1_048_576,
    });
    expect(await effectiveQuotas(t.db, tenant.organizationId)).toEqual({
      ...defaultQuotas(),
      maxRunningVcpus: 4,
      maxWaitingJobs: 100,
      submitRatePerSecond: 2.5,
      maxLogBytes: 1_048_576,
    });
    // The operator's own organization keeps the install's defaults.
    expect((await getQuotaSettings(t.db, operatorOrg)).effective).toEqual(defaultQuotas());

    const audit = await t.db.auditEvent.findMany({ where: { action: "quotas.update" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      organizationId: tenant.organizationId,
      actorEmail: operator.email,
      targetId: tenant.organizationId,
    });
  });

  it("refuses bad quota values whole, naming the field, and writes nothing", async () => {
    const tenant = await createOrgWithAdmin(t.db, "Tenant");
    const attempt = executeOperatorAction(
      saveOrganizationQuotas,
      { db: t.db, user: operator },
      {
        organizationId: tenant.organizationId,
        maxRunningVcpus: "-1",
        maxArraySize: "20000",
        maxWaitingJobs: "1.5",
      },
    );
    await expect(attempt).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: {
        maxRunningVcpus: ["Enter 0 (unlimited) or more."],
        maxArraySize: ["At most 10000."],
        maxWaitingJobs: ["Enter a whole number."],
      },
    });
    expect(await t.db.organizationQuota.count()).toBe(0);
    expect(await t.db.auditEvent.count({ where: { action: "quotas.update" } })).toBe(0);
    expect(
      await code(
        executeOperatorAction(saveOrganizationQuotas, { db: t.db, user: operator }, { organizationId: "missing" }),
      ),
    ).toBe("NOT_FOUND");
  });

  it("refuses every operator action and read to an organization admin who is not the operator", async () => {
    const tenant = await createOrgWithAdmin(t.db, "Tenant");
    const admin = { ...tenant.admin, name: "Tenant admin" };
    // Every registered operator action is refused the same way: tests/integration/authorization-matrix.
    expect(
      await code(
        executeOperatorAction(
          saveOrganizationQuotas,
          { db: t.db, user: admin },
          { organizationId: tenant.organizationId },
        ),
      ),
    ).toBe("FORBIDDEN");
    expect(await code(listOrganizationsForOperator({ db: t.db, user: admin }))).toBe("FORBIDDEN");
    expect(await code(getOrganizationForOperator({ db: t.db, user: admin }, tenant.organizationId))).toBe("FORBIDDEN");
    expect(await t.db.organizationQuota.count()).toBe(0);

    // Revoking takes effect at the next call: nothing is remembered from before.
    await setOperator(t.db, admin.email, true);
    expect(await code(listOrganizationsForOperator({ db: t.db, user: admin }))).toBe("ok");
    await setOperator(t.db, admin.email, false);
    expect(await code(listOrganizationsForOperator({ db: t.db, user: admin }))).toBe("FORBIDDEN");
  });

  it("lists every organization with what it holds and has waiting now", async () => {
    const tenant = await createOrgWithAdmin(t.db, "Tenant");
    const queue = newId();
    const definition = newId();
    await t.db.jobQueue.create({
      data: {
        id: queue,
        organizationId: tenant.organizationId,
        name: "q",
        liveName: "q",
        arn: `arn:q:${queue}`,
        priority: 1,
      },
    });
    await t.db.jobDefinition.create({
      data: {
        id: definition,
        organizationId: tenant.organizationId,
        name: "d",
        revision: 1,
        arn: `arn:d:${definition}`,
      },
    });
    const job = (status: string, vcpus: number, array?: { parent?: boolean; parentId?: string }) => ({
      id: newId(),
      organizationId: tenant.organizationId,
      name: "j",
      jobQueueId: queue,
      jobDefinitionId: definition,
      status,
      vcpus,
      createdAt: BigInt(Date.now()),
      updatedAt: BigInt(Date.now()),
      arraySize: array?.parent ? 2 : null,
      arrayParentId: array?.parentId ?? null,
    });
    const parent = job(JobStatus.PENDING, 1, { parent: true });
    await t.db.job.createMany({
      data: [
        job(JobStatus.RUNNING, 2),
        job(JobStatus.STARTING, 0.5),
        job(JobStatus.RUNNABLE, 8),
        job(JobStatus.SUCCEEDED, 16),
        parent,
        job(JobStatus.PENDING, 1, { parentId: parent.id }),
        job(JobStatus.SUBMITTED, 1, { parentId: parent.id }),
      ],
    });
    const list = await listOrganizationsForOperator({ db: t.db, user: operator });
    expect(list.map((o) => o.name).sort()).toEqual(["Default", "Tenant"]);
    const row = list.find((o) => o.id === tenant.organizationId)!;
    // Held: the RUNNING 2 and the STARTING 0.5; waiting: the RUNNABLE job and the two children.
    expect(row.usage).toEqual({ runningVcpus: 2.5, waitingJobs: 3 });
    expect(row.members).toBe(1);
    expect(list.find((o) => o.id === operatorOrg)!.usage).toEqual({ runningVcpus: 0, waitingJobs: 0 });
    // Scoped: an organization's own figures leave the other's out.
    expect((await quotaUsageNow(t.db, [operatorOrg])).size).toBe(0);

    // Stored log bytes are measured only under a log-bytes quota, in bytes ("é" is two).
    const running = await t.db.job.findFirstOrThrow({
      where: { organizationId: tenant.organizationId, status: JobStatus.RUNNING },
    });
    await t.db.logChunk.create({
      data: { jobId: running.id, attempt: 1, stream: "stdout", seq: 0, timestamp: BigInt(Date.now()), data: "héllo\n" },
    });
    expect((await getOrganizationForOperator({ db: t.db, user: operator }, tenant.organizationId)).logBytes).toBeNull();
    await executeOperatorAction(
      saveOrganizationQuotas,
      { db: t.db, user: operator },
      {
        organizationId: tenant.organizationId,
        maxLogBytes: "1000",
      },
    );
    const detail = await getOrganizationForOperator({ db: t.db, user: operator }, tenant.organizationId);
    expect(detail.logBytes).toBe(7);
    expect(detail.usage).toEqual({ runningVcpus: 2.5, waitingJobs: 3 });
  });

  it("reports usage across organizations, by organization, to the operator only", async () => {
    const tenant = await createOrgWithAdmin(t.db, "Tenant");
    const day = new Date().toISOString().slice(0, 10);
    const record = (organizationId: string, attemptId: string, durationMs: number, vcpus: number) => ({
      attemptId,
      day,
      organizationId,
      jobId: attemptId,
      jobQueueName: "q",
      jobDefinitionName: "d",
      durationMs: BigInt(durationMs),
      vcpus,
      memoryMiB: 1024,
      gpus: 0,
    });
    await t.db.usageRecord.createMany({
      data: [
        record(tenant.organizationId, "a1", 60_000, 2),
        record(tenant.organizationId, "a2", 30_000, 1),
        record(operatorOrg, "a3", 10_000, 0.5),
      ],
    });
    const query = operatorUsageQueryInput.parse({ from: day, to: day });
    expect(query.group).toBe("organization");
    const report = await operatorUsage({ db: t.db, user: operator }, query);
    const byName = Object.fromEntries(report.groups.map((g) => [g.label, g.vcpuSeconds]));
    // 60 s × 2 + 30 s × 1 = 150 vCPU-seconds for the tenant; 10 s × 0.5 = 5 for the other.
    expect(byName).toEqual({ Tenant: 150, Default: 5 });
    expect(report.totals.vcpuSeconds).toBe(155);
    expect(report.totals.attempts).toBe(3);

    const admin = { ...tenant.admin, name: "Tenant admin" };
    expect(await code(operatorUsage({ db: t.db, user: admin }, query))).toBe("FORBIDDEN");
  });
});
