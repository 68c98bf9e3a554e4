// The console's bulk stop: a selection of job ids, or every job a filter matches, cancelled or
// terminated through the organization's backend in batches of at most STOP_BATCH jobs, each one
// short transaction whatever the selection's size. A filter is walked page by page on the server
// (never every id at once) and pinned to the moment the caller confirmed.
import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import type { BatchBackend } from "@/lib/backends/types";
import { MAX_REASON_LENGTH } from "@/lib/batch/shapes/jobs";
import { asOfSchema, filterAsOf } from "./bulk-selection";
import { jobFilterSchema } from "./console-filter";
import type { ConsoleJobListInput } from "./list-jobs";

/** Jobs per stopJobs call. */
export const STOP_BATCH = 500;

const stopKind = z.enum(["CANCEL", "TERMINATE"], { message: "Choose cancel or terminate." });
const reason = z
  .string()
  .trim()
  .min(1, "Give a reason: it is recorded on each job.")
  .max(MAX_REASON_LENGTH, `The reason must be at most ${MAX_REASON_LENGTH} characters long.`);

export const stopSelectedJobsInput = z.object({
  jobIds: z.array(z.string().min(1).max(200)).min(1, "Select at least one job.").max(5_000),
  kind: stopKind,
  reason,
});

export const stopJobsByFilterInput = z.object({
  filter: jobFilterSchema,
  asOf: asOfSchema,
  kind: stopKind,
  reason,
});

export interface StopOutcome {
  /** Jobs the request reached (including ones already finished, which it leaves alone). */
  stopped: number;
  /** Jobs refused, with the first refusal's message. */
  refused: number;
  message?: string;
}

type Backend = Pick<BatchBackend, "stopJobs" | "resolveJobFilter">;

export function stopSelectedJobs(
  backend: Backend,
  ctx: OrgContext,
  input: z.output<typeof stopSelectedJobsInput>,
  batchSize = STOP_BATCH,
): Promise<StopOutcome> {
  return stopEach(backend, ctx, idBatches([...new Set(input.jobIds)], batchSize), input);
}

export function stopJobsByFilter(
  backend: Backend,
  ctx: OrgContext,
  input: z.output<typeof stopJobsByFilterInput>,
  batchSize = STOP_BATCH,
): Promise<StopOutcome> {
  const batches = filterBatches(backend, ctx, filterAsOf(input.filter, input.asOf, ctx.user.id), batchSize);
  return stopEach(backend, ctx, batches, input);
}

async function* idBatches(ids: string[], size: number): AsyncGenerator<string[]> {
  for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
}

async function* filterBatches(
  backend: Backend,
  ctx: OrgContext,
  list: Omit<ConsoleJobListInput, "limit">,
  size: number,
): AsyncGenerator<string[]> {
  let cursor: string | undefined;
  do {
    const page = await backend.resolveJobFilter(ctx, { ...list, cursor, limit: size });
    yield page.jobIds;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

async function stopEach(
  backend: Backend,
  ctx: OrgContext,
  batches: AsyncIterable<string[]>,
  request: { kind: "CANCEL" | "TERMINATE"; reason: string },
): Promise<StopOutcome> {
  const outcome: StopOutcome = { stopped: 0, refused: 0 };
  for await (const ids of batches) {
    if (ids.length === 0) continue;
    const result = await backend.stopJobs(ctx, ids, request.reason, request.kind);
    outcome.stopped += result.successful.length;
    outcome.refused += result.errors.length;
    outcome.message ??= result.errors[0]?.message;
  }
  return outcome;
}
