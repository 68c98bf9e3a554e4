// Runs INSIDE a job started by the real engine (tests/integration/job-isolation.test.ts) and
// tries what a hostile job would try. It prints one `RESULT <json>` line and exits with the
// number of things it managed that it should not have (0: isolated).
//
//   node isolation-probe.mjs victim       writes a secret into its own HOME, prints where, waits
//   node isolation-probe.mjs snoop        reads PROBE_PLAN (JSON) and tries every target in it
//   node isolation-probe.mjs spawn N      starts up to N sleeping children, stops at the first
//                                         refusal; prints how many ran and what /proc lists
//   node isolation-probe.mjs connect P    connects to 127.0.0.1:P (the host's loopback), and to
//                                         a listener of its own on its own loopback
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";

const mode = process.argv[2];

if (mode === "victim") {
  const secret = process.env.VICTIM_SECRET ?? "";
  writeFileSync(join(process.env.HOME, "secret.txt"), secret);
  console.log(`VICTIM ${JSON.stringify({ home: process.env.HOME, uid: process.getuid() })}`);
  setInterval(() => {}, 1_000);
} else if (mode === "snoop") {
  const plan = JSON.parse(readFileSync(process.env.PROBE_PLAN, "utf8"));
  const home = process.env.HOME;
  const attempts = [];
  const leaks = [];
  const mine = (p) => p === home || p.startsWith(`${home}/`);
  function attempt(op, path, fn) {
    if (mine(path)) return;
    try {
      const value = fn();
      attempts.push({ op, path, ok: true });
      return value;
    } catch (error) {
      attempts.push({ op, path, ok: false, code: error.code ?? String(error) });
      return undefined;
    }
  }
  const carriesSecret = (text) =>
    /DATABASE_URL=|BATCHDECK_[A-Z_]+=|postgres(ql)?:\/\//.test(text) || plan.secrets.some((s) => text.includes(s));

  // 1. Batchdeck's files and other jobs' directories, by the paths the engine uses.
  for (const p of plan.read) attempt("read", p, () => readFileSync(p, "latin1"));
  for (const p of plan.list) attempt("list", p, () => readdirSync(p));
  for (const p of plan.write) attempt("write", p, () => writeFileSync(join(p, "planted-by-another-job"), "x"));

  // 2. The engine's process: its environment must be closed; its working directory (.env) too.
  const engine = `/proc/${plan.enginePid}`;
  attempt("read", `${engine}/environ`, () => readFileSync(`${engine}/environ`, "latin1"));
  attempt("readlink", `${engine}/cwd`, () => readlinkSync(`${engine}/cwd`));
  attempt("read", `${engine}/cwd/.env`, () => readFileSync(`${engine}/cwd/.env`, "latin1"));
  for (const p of attempts) if (p.ok) leaks.push(`${p.op} ${p.path}`);

  // 3. Anything readable in /proc (every process's environment and command line) or in the
  //    job's own environment that carries Batchdeck's configuration or a credential.
  const ownEnv = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  for (const line of ownEnv) if (carriesSecret(line)) leaks.push(`own environment: ${line.split("=")[0]}`);
  let procsRead = 0;
  const pids = readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
  for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    if (Number(pid) === process.pid) continue;
    for (const file of ["environ", "cmdline"]) {
      let text;
      try {
        text = readFileSync(`/proc/${pid}/${file}`, "latin1").replaceAll("\0", "\n");
      } catch {
        continue;
      }
      procsRead++;
      if (carriesSecret(text)) leaks.push(`/proc/${pid}/${file}`);
    }
  }

  // 4. Its own directory works (the isolation must not break jobs).
  writeFileSync(join(home, "own.txt"), "mine");
  writeFileSync(join(process.env.TMPDIR, "tmp.txt"), "mine");
  const ownWorks = readFileSync(join(home, "own.txt"), "utf8") === "mine";

  const result = {
    uid: process.getuid(),
    pid: process.pid,
    pids,
    envNames: Object.keys(process.env).sort(),
    attempts,
    procsRead,
    ownWorks,
    leaks,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(Math.min(leaks.length + (ownWorks ? 0 : 1), 100));
} else if (mode === "spawn") {
  const most = Number(process.argv[3]);
  let started = 0;
  let refusal = null;
  while (started < most) {
    const outcome = await new Promise((resolve) => {
      const child = spawn("/bin/sleep", ["5"], { stdio: "ignore" });
      child.once("spawn", () => resolve(null));
      child.once("error", (error) => resolve(error.code ?? String(error)));
    });
    if (outcome) {
      refusal = outcome;
      break;
    }
    started++;
  }
  const procs = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).length;
  console.log(`SPAWNED ${JSON.stringify({ started, refusal, procs })}`);
  process.exit(0);
} else if (mode === "connect") {
  const attempt = (port) =>
    new Promise((resolve) => {
      const socket = connect({ host: "127.0.0.1", port, timeout: 2_000 });
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve("ETIMEDOUT");
      });
      socket.once("error", (error) => resolve(error.code ?? String(error)));
    });
  const host = await attempt(Number(process.argv[3]));
  const server = createServer((s) => s.destroy());
  const own = await new Promise((resolve) => {
    server.once("error", (error) => resolve(error.code ?? String(error)));
    server.listen(0, "127.0.0.1", async () => resolve(await attempt(server.address().port)));
  });
  server.close();
  console.log(`CONNECT ${JSON.stringify({ host, own })}`);
  process.exit(0);
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(100);
}
