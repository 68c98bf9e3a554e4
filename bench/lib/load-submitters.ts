// The /v1 clients of bench/console-load.ts, in their own process: `clients` AWS SDK clients,
// each submitting one job after another, with a pause between (SubmitJob, SigV4-signed with an access key) until
// told "stop", then reporting how many were accepted, their latencies and every failure.
import { BatchClient, SubmitJobCommand } from "@aws-sdk/client-batch";

export interface SubmitPlan {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  clients: number;
  jobQueue: string;
  jobDefinition: string;
  /** Each client's pause between one answer and its next request. */
  pauseMs: number;
}

export interface SubmitFigures {
  accepted: number;
  seconds: number;
  latencies: number[];
  errors: string[];
}

async function main(plan: SubmitPlan) {
  let stopping = false;
  const abort = new AbortController();
  const figures: SubmitFigures = { accepted: 0, seconds: 0, latencies: [], errors: [] };
  const started = performance.now();
  const clients = Array.from(
    { length: plan.clients },
    () =>
      new BatchClient({ endpoint: plan.endpoint, region: "us-east-1", credentials: plan.credentials, maxAttempts: 1 }),
  );
  let n = 0;
  const loops = clients.map(async (client) => {
    while (!stopping) {
      const t0 = performance.now();
      try {
        await client.send(
          new SubmitJobCommand({ jobName: `load-${n++}`, jobQueue: plan.jobQueue, jobDefinition: plan.jobDefinition }),
          { abortSignal: abort.signal },
        );
        figures.accepted++;
        figures.latencies.push(performance.now() - t0);
      } catch (e) {
        if (stopping) break;
        if (figures.errors.length < 1_000)
          figures.errors.push(`SubmitJob: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  });
  process.on("message", async (m: { type: string }) => {
    if (m.type !== "stop") return;
    stopping = true;
    abort.abort();
    await Promise.all(loops);
    figures.seconds = (performance.now() - started) / 1000;
    for (const c of clients) c.destroy();
    process.send?.({ type: "figures", figures }, undefined, undefined, () => process.exit(0));
  });
}

process.once("message", (m: { type: string; plan: SubmitPlan }) => {
  if (m.type === "plan") void main(m.plan);
});
