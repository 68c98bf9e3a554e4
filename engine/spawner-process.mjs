// The engine's process spawner: a small Node process that forks the process executor's attempts
// on the engine's behalf (engine/spawner.ts is the other side). Forking copies the parent's page
// tables, so its cost grows with the parent's memory: about 6 ms of the engine's thread per job
// at the engine's size against about 1 ms here (bench/README.md, "spawner").
//
// Plain JavaScript, started with plain node: no loader, nothing imported but Node's own modules,
// so it stays small. One JSON request per line on stdin; one JSON answer per line on stdout:
//   → {id, file, args, cwd, env, uid?, gid?, stdout, stderr, input?}
//   ← {id, pid} once started, then {id, exit: {code, signal}}; or {id, error: {message, code}}
// Each child runs detached (a session of its own), STDOUT and STDERR appended to the files named,
// and `input` written to its fd 3 (the sealed wrappers read the job's environment there).
// When the engine goes (stdin ends) this process goes too and the jobs run on, as they would
// have if the engine had spawned them itself.
import { spawn } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { createInterface } from "node:readline";

const FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;
const answer = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const failure = (id, error) => answer({ id, error: { message: error.message, code: error.code } });

function start(request) {
  const { id } = request;
  const fds = [];
  let child;
  try {
    fds.push(openSync(request.stdout, FLAGS, 0o600));
    fds.push(openSync(request.stderr, FLAGS, 0o600));
    child = spawn(request.file, request.args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      ...(request.uid === undefined ? {} : { uid: request.uid, gid: request.gid }),
      stdio: ["ignore", fds[0], fds[1], request.input === undefined ? "ignore" : "pipe"],
    });
  } catch (error) {
    failure(id, error);
    return;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  let settled = false;
  child.once("error", (error) => {
    if (settled) return;
    settled = true;
    failure(id, error);
  });
  child.once("spawn", () => {
    if (settled) return;
    settled = true;
    answer({ id, pid: child.pid });
  });
  child.once("exit", (code, signal) => answer({ id, exit: { code, signal } }));
  const pipe = child.stdio[3];
  if (pipe) {
    // A wrapper that failed before reading it closes the pipe: its exit says what happened.
    pipe.on("error", () => {});
    pipe.end(request.input);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on("line", (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    answer({ id: null, error: { message: `not a request: ${error.message}` } });
    return;
  }
  start(request);
});
lines.on("close", () => process.exit(0));
