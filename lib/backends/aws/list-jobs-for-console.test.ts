// The console's job list over AWS's narrower ListJobs: merged newest first across queues, pages
// that neither skip nor repeat, conditions AWS cannot combine applied here, and a bounded scan
// when a filter matches only deep in a long history. AWS is played by an in-memory ListJobs
// behind aws-sdk-client-mock that keeps AWS's rules: one filter per call (then every status,
// newest first, 100 per page), otherwise one status in no promised order.
import {
  BatchClient,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobSummary,
  ListJobsCommand,
  type ListJobsCommandInput,
} from "@aws-sdk/client-batch";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { ConsoleJob, ConsoleJobListInput } from "@/lib/jobs/list-jobs";
import { createAwsClients } from "./clients";
import { listJobsForConsole } from "./list-jobs-for-console";

const ARN = (q: string) => `arn:aws:batch:us-east-1:123456789012:job-queue/${q}`;

interface FakeJob {
  jobId: string;
  jobName: string;
  createdAt: number;
  status: string;
  queue: string;
}

let jobs: FakeJob[] = [];
let listCalls = 0;

function listJobs(input: ListJobsCommandInput) {
  listCalls++;
  const queue = input.jobQueue?.replace(/^arn:.*job-queue\//, "");
  let rows = jobs.filter((j) => j.queue === queue);
  const filter = input.filters?.[0];
  if (input.filters && input.filters.length > 1) throw new Error("AWS takes one filter per call");
  if (filter) {
    const v = filter.values?.[0] ?? "";
    if (filter.name === "BEFORE_CREATED_AT") rows = rows.filter((j) => j.createdAt < Number(v));
    if (filter.name === "AFTER_CREATED_AT") rows = rows.filter((j) => j.createdAt > Number(v));
    if (filter.name === "JOB_NAME") rows = rows.filter((j) => j.jobName.toLowerCase() === v.toLowerCase());
    rows.sort((a, b) => b.createdAt - a.createdAt || (b.jobId > a.jobId ? 1 : -1));
  } else {
    rows = rows.filter((j) => j.status === (input.jobStatus ?? "RUNNING"));
    // No promised order: reversed, to be sure the caller sorts.
    rows.sort((a, b) => a.createdAt - b.createdAt);
  }
  const max = Math.min(input.maxResults ?? 100, filter ? 100 : 1000);
  const offset = Number(input.nextToken ?? 0);
  const page = rows.slice(offset, offset + max);
  const summaries: JobSummary[] = page.map((j) => ({
    jobId: j.jobId,
    jobName: j.jobName,
    jobArn: `arn:aws:batch:us-east-1:123456789012:job/${j.jobId}`,
    createdAt: j.createdAt,
    status: j.status as JobSummary["status"],
    jobDefinition: "arn:aws:batch:us-east-1:123456789012:job-definition/d:1",
  }));
  return {
    jobSummaryList: summaries,
    ...(offset + max < rows.length ? { nextToken: String(offset + max) } : {}),
  };
}

describe("listJobsForConsole on the AWS backend", () => {
  const batch = mockClient(BatchClient);
  const clients = createAwsClients(
    {
      region: "us-east-1",
      credentialMode: "keys",
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "x".repeat(40),
    },
    "org",
  );
  afterAll(() => {
    batch.restore();
    clients.destroy();
  });
  beforeEach(() => {
    batch.reset();
    listCalls = 0;
    batch.on(ListJobsCommand).callsFake(listJobs);
    batch.on(DescribeJobQueuesCommand).callsFake((input: { jobQueues?: string[] }) => ({
      jobQueues: ["a", "b"]
        .filter((q) => !input.jobQueues || input.jobQueues.includes(q))
        .map((q) => ({ jobQueueName: q, jobQueueArn: ARN(q) })),
    }));
    batch.on(DescribeJobsCommand).resolves({ jobs: [] });
  });

  /** Every page, following the cursor to the end. */
  async function all(input: Omit<ConsoleJobListInput, "cursor">): Promise<{ jobs: ConsoleJob[]; pages: number }> {
    const out: ConsoleJob[] = [];
    let cursor: string | undefined;
    for (let pages = 1; pages < 100; pages++) {
      const page = await listJobsForConsole(clients, { ...input, ...(cursor ? { cursor } : {}) });
      out.push(...page.jobs);
      if (!page.nextCursor) return { jobs: out, pages };
      cursor = page.nextCursor;
    }
    throw new Error("the cursor never ended");
  }

  it("merges every queue newest first, page by page, without skipping or repeating", async () => {
    jobs = Array.from({ length: 25 }, (_, i) => ({
      jobId: `j${String(i).padStart(2, "0")}`,
      jobName: `n${i}`,
      // Two jobs share each millisecond, across queues, to exercise the id tie-break.
      createdAt: 1_000 + Math.floor(i / 2),
      status: i % 3 === 0 ? "RUNNING" : "SUCCEEDED",
      queue: i % 2 === 0 ? "a" : "b",
    }));
    const expected = [...jobs]
      .sort((x, y) => y.createdAt - x.createdAt || (y.jobId > x.jobId ? 1 : -1))
      .map((j) => j.jobId);
    const { jobs: listed, pages } = await all({ limit: 4 });
    expect(listed.map((j) => j.jobId)).toEqual(expected);
    expect(pages).toBe(7);
    expect(listed.find((j) => j.jobId === "j01")?.jobQueue).toBe(ARN("b"));

    // One status: the plain jobStatus listing, sorted here; later pages by time, filtered here.
    const running = await all({ limit: 2, status: "RUNNING" });
    expect(running.jobs.map((j) => j.jobId)).toEqual(
      expected.filter((id) => jobs.find((j) => j.jobId === id)?.status === "RUNNING"),
    );

    // A name and a status together: AWS takes the name, the status is applied here.
    const named = await all({ limit: 10, name: "N3", status: "RUNNING", queue: "b" });
    expect(named.jobs.map((j) => j.jobId)).toEqual(["j03"]);
  });

  it("keeps each page's scan bounded when matches lie deep in a long history", async () => {
    // 3,000 jobs in queue a, only the two oldest of them FAILED; queue b has one FAILED job.
    jobs = Array.from({ length: 3_000 }, (_, i) => ({
      jobId: `a${String(i).padStart(4, "0")}`,
      jobName: "bulk",
      createdAt: 10_000 + i,
      status: i < 2 ? "FAILED" : "SUCCEEDED",
      queue: "a",
    }));
    jobs.push({ jobId: "b0", jobName: "x", createdAt: 5_000, status: "FAILED", queue: "b" });
    let maxCallsPerPage = 0;
    const found: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      listCalls = 0;
      const page = await listJobsForConsole(clients, {
        limit: 10,
        status: "FAILED",
        createdAfter: 0,
        ...(cursor ? { cursor } : {}),
      });
      maxCallsPerPage = Math.max(maxCallsPerPage, listCalls);
      found.push(...page.jobs.map((j) => j.jobId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(found).toEqual(["a0001", "a0000", "b0"]);
    // Ten pages of 100 for queue a, and queue b's single page, at most, per console page.
    expect(maxCallsPerPage).toBeLessThanOrEqual(11);
  });

  it("lists an array job's children in index order across statuses", async () => {
    batch.on(ListJobsCommand).callsFake((input: ListJobsCommandInput) => {
      const byStatus: Record<string, number[]> = { SUCCEEDED: [2, 0], FAILED: [1], RUNNING: [3] };
      return {
        jobSummaryList: (byStatus[input.jobStatus ?? "RUNNING"] ?? []).map((index) => ({
          jobId: `p:${index}`,
          jobName: "p",
          createdAt: 1,
          status: input.jobStatus,
          arrayProperties: { index },
        })),
      };
    });
    const first = await listJobsForConsole(clients, { limit: 3, arrayJobId: "p" });
    expect(first.jobs.map((j) => [j.jobId, j.status, j.arrayParentId])).toEqual([
      ["p:0", "SUCCEEDED", "p"],
      ["p:1", "FAILED", "p"],
      ["p:2", "SUCCEEDED", "p"],
    ]);
    const next = await listJobsForConsole(clients, { limit: 3, arrayJobId: "p", cursor: first.nextCursor ?? "" });
    expect(next.jobs.map((j) => j.jobId)).toEqual(["p:3"]);
    expect(next.nextCursor).toBeNull();
  });

  it("refuses an order or My jobs it cannot answer instead of pretending", async () => {
    await expect(listJobsForConsole(clients, { limit: 10, sort: "name" })).rejects.toThrow(/newest first only/);
    await expect(listJobsForConsole(clients, { limit: 10, submittedBy: "u1" })).rejects.toThrow(/My jobs/);
    // Newest first is what AWS does: asking for it is fine.
    await expect(listJobsForConsole(clients, { limit: 10, sort: "newest" })).resolves.toBeDefined();
  });
});
