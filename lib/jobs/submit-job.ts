// SubmitJob on the built-in backend: in one transaction, resolve the queue and the definition,
// resolve the container the engine will run, plan dependencies and write the job (and for an
// array, its parent row and every child) with one audit event.
import { type AuditEntry, recordAudit, recordAudits } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { jobArn, parseArn } from "@/lib/batch/arn";
import { mergeParameters } from "@/lib/batch/parameters";
import { resolveContainer } from "@/lib/batch/resolve-container";
import { MAX_TAGS, type RetryStrategy, type SubmitJobInput } from "@/lib/batch/shapes/jobs";
import { CANCELLABLE_STATUSES, TRANSITIONS } from "@/lib/batch/states";
import { type Db, providerOf } from "@/lib/db";
import type { RawSql } from "@/lib/db/direct";
import { wakeEngine } from "@/lib/db/engine-wake";
import { writeTransaction } from "@/lib/db/write-transaction";
import { invalid } from "@/lib/errors";
import { newJobId } from "@/lib/ids";
import type { Quotas } from "@/lib/quotas/names";
import { checkSubmitQuotas, rateLimited, submitBucketKey } from "@/lib/quotas/submit-quotas";
import { type BucketRate, takeTokensInTransaction } from "@/lib/quotas/token-bucket";
import { lockWaitingJobs, newWaitingLedger, reserveWaitingJobs, type WaitingLedger } from "@/lib/quotas/waiting-jobs";
import { accountIdOf } from "@/lib/resources/account";
import { type JobDefinitionRow, resolveJobDefinition } from "@/lib/resources/job-definitions/resolve-job-definition";
import { type JobQueueRow, resolveJobQueue } from "@/lib/resources/job-queues/resolve-job-queue";
import { insertJobConsumables, requestedConsumables, resolveConsumables } from "./consumable-requirements";
import { afterJobsFinished } from "./finish";
import { insertDependencies, insertJobRows, insertJobs, type JobCommon, type JobRowInsert } from "./insert-jobs";
import { planDependencies } from "./plan-dependencies";
import { TransactionBatcher } from "./submit-batcher";
import { buildRows, validIndexes } from "./submit-rows";

export { submitJobInput } from "@/lib/batch/shapes/jobs";

export interface SubmitJobResult {
  jobArn: string;
  jobName: string;
  jobId: string;
}

function json<T>(text: string | null | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * SubmitJob. Arrays (up to 10,000 children) get a transaction of their own; other submissions
 * go through a group-commit batcher, each still all-or-nothing (lib/jobs/submit-batcher.ts).
 * The organization's quotas come first (lib/quotas/submit-quotas.ts: array size, SubmitJob
 * rate); its "Jobs waiting" quota is counted in the transaction that inserts.
 */
export async function submitJob(
  ctx: OrgContext,
  input: SubmitJobInput,
  extras: SubmitExtras = {},
): Promise<SubmitJobResult> {
  // A single submission takes its SubmitJob token inside the group commit's transaction (one
  // statement per organization and batch, no commit of its own); an array takes it first.
  const quotas = await checkSubmitQuotas(ctx, input, { deferRate: !input.arrayProperties });
  const { maxWaitingJobs } = quotas;
  if (input.arrayProperties) return submitAlone(ctx, input, { maxWaitingJobs, ...extras });
  if (extras.arrayIndexes) throw invalid("arrayIndexes apply only to array jobs.");
  const result = await batcherFor(ctx.db).submit({ ctx, input, maxWaitingJobs, quotas });
  wakeEngine(ctx.db, "jobs");
  return result;
}

/**
 * `maxWaitingJobs`: the organization's "Jobs waiting" quota (0: unlimited); `quotas.tokenDue`:
 * the SubmitJob bucket this submission still takes a token from (null: none).
 */
type SubmitItem = {
  ctx: OrgContext;
  input: SubmitJobInput;
  maxWaitingJobs: number;
  quotas: Quotas & { tokenDue: BucketRate | null };
};
const batchers = new WeakMap<Db, TransactionBatcher<SubmitItem, SubmitJobResult, SubmitCache>>();

function batcherFor(db: Db): TransactionBatcher<SubmitItem, SubmitJobResult, SubmitCache> {
  let batcher = batchers.get(db);
  if (!batcher) {
    const provider = providerOf(db);
    batcher = new TransactionBatcher<SubmitItem, SubmitJobResult, SubmitCache>(
      db,
      {
        newState: newBatchState,
        // The advisory locks of the organizations with a waiting-jobs quota, in one order; then
        // the SubmitJob tokens of those with a rate quota, each organization's at once.
        prepare: async (tx, items, cache) => {
          const limited = items.filter((i) => i.maxWaitingJobs > 0).map((i) => i.ctx.organizationId);
          if (limited.length > 0) await lockWaitingJobs(tx, provider, waitingOf(cache), limited);
          await takeBatchTokens(tx, provider, items, cache);
        },
        finish: flushDeferred,
        run: (tx, { ctx, input, maxWaitingJobs, quotas }, cache, now) => {
          if (quotas.tokenDue) spendToken(cache, ctx.organizationId, quotas);
          return submitInTransaction(tx, ctx, input, { provider, now, cache, maxWaitingJobs });
        },
        // Dependencies are planned with Prisma's model API; a job without any is raw SQL only.
        needsPrisma: ({ input }) => (input.dependsOn?.length ?? 0) > 0,
      },
      // One batch at a time on PostgreSQL too: measured, fewer and larger batches beat parallel
      // ones, since the cost is mostly the client's own work per statement, not the database.
      1,
    );
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * What the submissions of one batch share (lib/jobs/submit-batcher.ts): lookups, and writes
 * that wait for the end of the batch to go in as one statement each. Only jobs nothing else
 * in the batch can depend on are deferred: a dependency must exist before its dependent's
 * edges, and a job id is only known to a client once its batch has committed.
 */
export interface SubmitCache {
  queues: Map<string, JobQueueRow>;
  definitions: Map<string, JobDefinitionRow>;
  deferred?: { jobs: { common: JobCommon; row: JobRowInsert }[]; audits: AuditEntry[] };
  /** Waiting jobs per organization as this transaction counts them (lib/quotas/waiting-jobs.ts). */
  waiting?: WaitingLedger;
  /** SubmitJob tokens this batch took per organization and has not handed out yet. */
  tokens?: Map<string, { left: number; retryAfterMs: number }>;
}

/**
 * Takes the batch's SubmitJob tokens: per organization with a rate quota, as many as it has
 * submissions here (or what its bucket holds), in one order of organizations so that two
 * batches never wait on each other's bucket rows in a circle.
 */
async function takeBatchTokens(
  tx: RawSql,
  provider: "sqlite" | "postgresql",
  items: SubmitItem[],
  cache: SubmitCache,
): Promise<void> {
  const wanted = new Map<string, { rate: BucketRate; count: number }>();
  for (const { ctx, quotas } of items) {
    if (!quotas.tokenDue) continue;
    const w = wanted.get(ctx.organizationId);
    if (w) w.count += 1;
    else wanted.set(ctx.organizationId, { rate: quotas.tokenDue, count: 1 });
  }
  if (wanted.size === 0) return;
  cache.tokens = new Map();
  for (const organizationId of [...wanted.keys()].sort()) {
    const { rate, count } = wanted.get(organizationId)!;
    const { taken, retryAfterMs } = await takeTokensInTransaction(
      tx,
      provider,
      submitBucketKey(organizationId),
      rate,
      count,
    );
    cache.tokens.set(organizationId, { left: taken, retryAfterMs });
  }
}

/** Hands one of the batch's tokens to a submission, in the batch's order, or refuses it. */
function spendToken(cache: SubmitCache, organizationId: string, quotas: Quotas): void {
  const tokens = cache.tokens?.get(organizationId);
  if (!tokens || tokens.left <= 0) throw rateLimited(quotas, tokens?.retryAfterMs ?? 1);
  tokens.left -= 1;
}

function waitingOf(cache: SubmitCache): WaitingLedger {
  cache.waiting ??= newWaitingLedger();
  return cache.waiting;
}

export const newSubmitCache = (): SubmitCache => ({ queues: new Map(), definitions: new Map() });

const newBatchState = (): SubmitCache => ({ ...newSubmitCache(), deferred: { jobs: [], audits: [] } });

async function flushDeferred(tx: RawSql, cache: SubmitCache): Promise<void> {
  if (!cache.deferred) return;
  await insertJobRows(tx, cache.deferred.jobs);
  await recordAudits(tx, cache.deferred.audits);
}

/** What only Batchdeck's own callers give, beyond AWS's SubmitJob request. */
export interface SubmitExtras {
  /**
   * The indexes of an array's children, in increasing order, one per child, when not
   * 0…size-1: the failed children of an array submitted again keep theirs
   * (lib/jobs/resubmit-failed-children.ts), so each sees the AWS_BATCH_JOB_ARRAY_INDEX it had.
   */
  arrayIndexes?: number[];
  /** Added to the submission's audit event. */
  auditDetails?: Record<string, string | number>;
}

export interface SubmitOptions extends SubmitExtras {
  provider: "sqlite" | "postgresql";
  now: number;
  cache?: SubmitCache;
  /** The organization's "Jobs waiting" quota; 0 or absent: unlimited, nothing is counted. */
  maxWaitingJobs?: number;
}

/**
 * Submit one job inside the caller's transaction. Every check that can refuse the submission
 * runs before the first write, so a refused submission leaves nothing behind even when it
 * shares the transaction with others.
 */
export async function submitInTransaction(
  tx: RawSql,
  ctx: Pick<OrgContext, "organizationId" | "actor" | "user">,
  input: SubmitJobInput,
  opts: SubmitOptions,
): Promise<SubmitJobResult> {
  const { organizationId } = ctx;
  const { now } = opts;
  const cache = opts.cache ?? newSubmitCache();
  const queueKey = `${organizationId}|${input.jobQueue}`;
  const queue = cache.queues.get(queueKey) ?? (await resolveJobQueue(tx, organizationId, input.jobQueue));
  cache.queues.set(queueKey, queue);
  if (queue.state !== "ENABLED") {
    throw invalid(`Job queue ${queue.arn} is DISABLED: a disabled job queue doesn't accept new jobs.`);
  }
  const definitionKey = `${organizationId}|${input.jobDefinition}`;
  const definition =
    cache.definitions.get(definitionKey) ?? (await resolveJobDefinition(tx, organizationId, input.jobDefinition));
  cache.definitions.set(definitionKey, definition);
  if (definition.status !== "ACTIVE") {
    throw invalid(`Job definition ${definition.arn} is ${definition.status}: only ACTIVE job definitions accept jobs.`);
  }
  // AWS: required on a fair-share queue, refused on a FIFO one.
  if (queue.schedulingPolicyId && !input.shareIdentifier) {
    throw invalid(`shareIdentifier is required: job queue ${queue.arn} has a fair-share scheduling policy.`);
  }
  if (!queue.schedulingPolicyId && input.shareIdentifier) {
    throw invalid(`shareIdentifier can't be used: job queue ${queue.arn} has no scheduling policy.`);
  }

  const parameters = mergeParameters(json<Record<string, string>>(definition.parameters) ?? {}, input.parameters);
  const container = resolveContainer(
    json<Record<string, unknown>>(definition.containerProperties) ?? {},
    input.containerOverrides,
    parameters,
  );
  const retryStrategy = input.retryStrategy ?? json<RetryStrategy>(definition.retryStrategy);
  const timeoutSeconds =
    input.timeout?.attemptDurationSeconds ??
    json<{ attemptDurationSeconds?: number }>(definition.timeout)?.attemptDurationSeconds ??
    null;
  const tags = input.tags ?? {};
  const propagateTags = input.propagateTags ?? definition.propagateTags;
  if (propagateTags) {
    const combined = new Set([
      ...Object.keys(json<Record<string, string>>(definition.tags) ?? {}),
      ...Object.keys(tags),
    ]);
    if (combined.size > MAX_TAGS) {
      throw invalid(
        `propagateTags: the job's and the job definition's tags together come to ${combined.size}; at most ${MAX_TAGS} can be propagated.`,
      );
    }
  }

  // Array children inherit the parent's list (insertJobConsumables writes it for every row).
  const consumables = await resolveConsumables(
    tx,
    organizationId,
    requestedConsumables(definition.spec, input.consumableResourcePropertiesOverride),
  );

  const jobId = newJobId();
  const arraySize = input.arrayProperties?.size ?? null;
  const indexes = opts.arrayIndexes;
  if (indexes && !validIndexes(indexes, arraySize)) {
    throw invalid("arrayIndexes must give one index per child, in increasing order, each from 0 to 9999.");
  }
  const plan = await planDependencies(tx, {
    organizationId,
    jobId,
    arraySize,
    dependsOn: input.dependsOn ?? [],
    lock: opts.provider === "postgresql",
    ...(indexes ? { childIndexes: indexes } : {}),
  });

  const common: JobCommon = {
    organizationId,
    name: input.jobName,
    jobQueueId: queue.id,
    jobDefinitionId: definition.id,
    createdAt: now,
    schedulingPriority: input.schedulingPriorityOverride ?? definition.schedulingPriority ?? 0,
    shareIdentifier: input.shareIdentifier ?? null,
    attemptsAllowed: retryStrategy?.attempts ?? 1,
    vcpus: container.vcpus,
    memoryMiB: container.memoryMiB,
    gpus: container.gpus,
    container: JSON.stringify(container),
    parameters: JSON.stringify(parameters),
    retryStrategy: retryStrategy ? JSON.stringify(retryStrategy) : null,
    timeoutSeconds,
    tags: JSON.stringify(tags),
    propagateTags,
    submittedById: ctx.user.id,
    consumableResources: JSON.stringify(consumables.list),
  };
  const rows = buildRows(jobId, arraySize, plan.parent, plan.children, now, indexes);
  // The last check before the first write: the jobs this submission adds to those waiting.
  if (opts.maxWaitingJobs && opts.maxWaitingJobs > 0) {
    const adding = rows.filter((r) => r.arraySize === null && WAITING.has(r.status)).length;
    await reserveWaitingJobs(tx, opts.provider, waitingOf(cache), organizationId, opts.maxWaitingJobs, adding);
  }
  const [only] = rows;
  // A job with consumable resources goes in at once: its counting rows refer to it.
  if (cache.deferred && only && rows.length === 1 && plan.edges.length === 0 && consumables.rows.length === 0) {
    cache.deferred.jobs.push({ common, row: only });
  } else {
    await insertJobs(tx, common, rows);
    await insertDependencies(tx, plan.edges);
    await insertJobConsumables(tx, jobId, consumables);
  }

  // Jobs born FAILED (a dependency had already failed) are finished like any other, so a
  // SEQUENTIAL successor fails with them and an array parent settles.
  const failed = rows
    .filter((r) => r.status === TRANSITIONS.submitDependencyFailed.to)
    .map((r) => ({ id: r.id, status: TRANSITIONS.submitDependencyFailed.to }));
  if (failed.length > 0) await afterJobsFinished(tx, failed, now);

  const audit: AuditEntry = {
    organizationId,
    actor: ctx.actor,
    action: "job.submit",
    targetType: "job",
    targetId: jobId,
    details: {
      jobName: input.jobName,
      jobQueue: queue.name,
      jobDefinition: `${definition.name}:${definition.revision}`,
      ...(arraySize !== null ? { arraySize } : {}),
      ...(input.dependsOn?.length ? { dependsOn: input.dependsOn.length } : {}),
      ...(indexes ? { arrayIndexes: indexes.join(",") } : {}),
      ...opts.auditDetails,
    },
  };
  if (cache.deferred) cache.deferred.audits.push(audit);
  else await recordAudit(tx, audit);
  // The queue's ARN carries the organization's account, which saves a lookup per submission.
  const accountId = parseArn(queue.arn)?.accountId ?? (await accountIdOf(tx, organizationId));
  return { jobArn: jobArn(accountId, jobId), jobName: input.jobName, jobId };
}

/** An array job in its own transaction: up to 10,000 children are a batch by themselves. */
export async function submitAlone(
  ctx: OrgContext,
  input: SubmitJobInput,
  quotas: { maxWaitingJobs?: number } & SubmitExtras = {},
): Promise<SubmitJobResult> {
  const provider = providerOf(ctx.db);
  // A 10,000-child array with per-child dependencies writes tens of thousands of rows.
  const maxWaitingJobs = quotas.maxWaitingJobs ?? 0;
  return writeTransaction(ctx.db, { timeout: 60_000, maxWait: 30_000, wakeEngine: "jobs" }, async (tx) => {
    const cache = newSubmitCache();
    // The organization's lock first, as a batch takes it, before any row lock of the planning.
    if (maxWaitingJobs > 0) await lockWaitingJobs(tx, provider, waitingOf(cache), [ctx.organizationId]);
    const { arrayIndexes, auditDetails } = quotas;
    return submitInTransaction(tx, ctx, input, {
      provider,
      now: Date.now(),
      cache,
      maxWaitingJobs,
      ...(arrayIndexes ? { arrayIndexes } : {}),
      ...(auditDetails ? { auditDetails } : {}),
    });
  });
}

/** The statuses a row counts against "Jobs waiting" in (an array's parent row never counts). */
const WAITING: ReadonlySet<string> = new Set(CANCELLABLE_STATUSES);
