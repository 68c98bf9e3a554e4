// The live log stream (lib/logs/log-stream.ts) as a browser reads it: Server-Sent Events from a
// real database on the built-in backend. It catches up page by page, follows a running attempt
// through the log hub, sends every line once and in order with resumable ids, ends with
// `event: end` once the attempt has stopped, and closes when the client goes or loses access.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { builtinBackend } from "@/lib/backends/builtin";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { logHub } from "@/lib/logs/log-hub";
import { openLogStream } from "@/lib/logs/log-stream";
import { decodeRuns, type WireRun } from "@/lib/logs/sse";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld, waitFor } from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";

interface SseEvent {
  event: string;
  id?: string;
  data?: unknown;
}

/** Reads a stream's events as EventSource would, comments and `retry:` left out. */
function sseReader(body: ReadableStream<Uint8Array> | null) {
  if (!body) throw new Error("no body");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const received: SseEvent[] = [];
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let i = buffer.indexOf("\n\n"); i !== -1; i = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const e: SseEvent = { event: "message" };
        let hasData = false;
        for (const line of block.split("\n")) {
          const [field, ...rest] = line.split(": ");
          const value = rest.join(": ");
          if (field === "event") e.event = value;
          else if (field === "id") e.id = value;
          else if (field === "data") {
            e.data = JSON.parse(value);
            hasData = true;
          }
        }
        if (hasData) received.push(e);
      }
    }
    ended = true;
  })();
  return {
    received,
    ended: () => ended,
    done: pump,
    lines: () =>
      received
        .filter((e) => e.event === "message")
        .flatMap((e) => decodeRuns((e.data as { runs: WireRun[] }).runs).map((l) => l.message)),
    cancel: () => reader.cancel(),
  };
}

describe.each(PROVIDERS)("the live log stream on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let ctx: OrgContext;
  const seqs = new Map<string, number>();

  async function startedJob(): Promise<string> {
    const [jobId] = (await insertJobs(t.db, world, [{ command: ["true"] }])) as [string];
    await t.db.job.update({ where: { id: jobId }, data: { status: "RUNNING", attemptCount: 1 } });
    await t.db.jobAttempt.create({
      data: { id: newId(), jobId, attemptNumber: 1, startedAt: 1_000, logStreamName: `def/default/${newId()}` },
    });
    return jobId;
  }

  async function write(jobId: string, lines: string[]): Promise<number> {
    const seq = seqs.get(jobId) ?? 0;
    seqs.set(jobId, seq + 1);
    const chunk = await t.db.logChunk.create({
      data: { jobId, attempt: 1, stream: "stdout", seq, timestamp: Date.now(), data: `${lines.join("\n")}\n` },
    });
    return chunk.id;
  }

  /** The attempt stops with its last lines in the same transaction, as the engine writes them. */
  async function stop(jobId: string, lines: string[]) {
    await t.db.$transaction(async (tx) => {
      await tx.logChunk.create({
        data: { jobId, attempt: 1, stream: "stdout", seq: 999, timestamp: Date.now(), data: `${lines.join("\n")}\n` },
      });
      await tx.jobAttempt.updateMany({ where: { jobId }, data: { stoppedAt: Date.now(), exitCode: 0 } });
    });
  }

  const open = (jobId: string, more: { after?: string; signal?: AbortSignal; viewer?: OrgContext } = {}) =>
    openLogStream({
      backend: builtinBackend,
      ctx: more.viewer ?? ctx,
      jobId,
      after: more.after,
      signal: more.signal ?? new AbortController().signal,
    });

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db);
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId },
      include: { user: true },
    });
    ctx = contextFor(t.db, world.organizationId, admin.user, "submitter");
  });
  afterAll(async () => {
    await t.close();
  });

  it("sends a stopped attempt's lines, then the end, and closes", async () => {
    const jobId = await startedJob();
    await write(jobId, ["one", "two"]);
    await stop(jobId, ["three"]);
    const response = await open(jobId);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const sse = sseReader(response.body);
    await sse.done;
    expect(sse.received.map((e) => e.event)).toEqual(["attempt", "message", "end"]);
    expect(sse.received[0]?.data).toEqual({ attempt: 1, attempts: [1] });
    expect(sse.lines()).toEqual(["one", "two", "three"]);
    expect(sse.received.at(-1)?.data).toEqual({ attempt: 1 });
  });

  it("follows a running attempt through the hub, each line once and in order, until it stops", async () => {
    const jobId = await startedJob();
    await write(jobId, ["a"]);
    const sse = sseReader((await open(jobId)).body);
    await waitFor("the first line", async () => sse.lines().length === 1, 5_000, 20);
    await waitFor("the hub follows", async () => logHub(t.db).size > 0, 5_000, 20);
    await write(jobId, ["b", "c"]);
    await waitFor("the next lines", async () => sse.lines().length === 3, 5_000, 20);
    await stop(jobId, ["d"]);
    await sse.done;
    expect(sse.lines()).toEqual(["a", "b", "c", "d"]);
    expect(sse.received.at(-1)?.event).toBe("end");
    // Ids are the forward tokens, so a reconnect resumes exactly after what it holds.
    const ids = sse.received.filter((e) => e.event === "message").map((e) => Number(e.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("resumes after the token it is given", async () => {
    const jobId = await startedJob();
    const first = await write(jobId, ["seen"]);
    await write(jobId, ["new"]);
    await stop(jobId, ["last"]);
    const sse = sseReader((await open(jobId, { after: String(first) })).body);
    await sse.done;
    expect(sse.lines()).toEqual(["new", "last"]);
  });

  it("refuses an unknown job before the stream opens", async () => {
    const error = await open("no-such-job").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("NOT_FOUND");
  });

  it("closes when the client goes away, and leaves the hub", async () => {
    const jobId = await startedJob();
    await write(jobId, ["x"]);
    const client = new AbortController();
    const before = logHub(t.db).size;
    const sse = sseReader((await open(jobId, { signal: client.signal })).body);
    await waitFor("following", async () => logHub(t.db).size === before + 1, 5_000, 20);
    client.abort();
    await sse.done;
    expect(sse.received.some((e) => e.event === "end" || e.event === "failure")).toBe(false);
    await waitFor("left the hub", async () => logHub(t.db).size === before, 5_000, 20);
  });

  it("closes, without a failure, once the viewer's session ends", async () => {
    const jobId = await startedJob();
    await write(jobId, ["y"]);
    const sessionId = newId();
    await t.db.session.create({
      data: {
        id: sessionId,
        userId: ctx.user.id,
        organizationId: world.organizationId,
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const sse = sseReader((await open(jobId, { viewer: { ...ctx, sessionId } })).body);
    await waitFor("the line", async () => sse.lines().length === 1, 5_000, 20);
    await t.db.session.delete({ where: { id: sessionId } });
    await sse.done;
    expect(sse.received.map((e) => e.event)).toEqual(["attempt", "message"]);
  });
}, 60_000);
