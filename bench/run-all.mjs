// `npm run bench`: every engine benchmark in sequence, one at a time (they would only measure
// each other if run together). Arguments are passed to each, e.g. `npm run bench -- --postgres`.
import { spawnSync } from "node:child_process";

const BENCHES = ["engine-throughput", "dispatch-latency", "array-10k", "scheduler-pass", "log-burst", "engine-memory"];
const args = process.argv.slice(2);
const failed = [];
for (const name of BENCHES) {
  console.log(`\n#### bench/${name}.ts ${args.join(" ")}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", `bench/${name}.ts`, ...args], { stdio: "inherit" });
  if (r.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")}`);
  process.exit(1);
}
