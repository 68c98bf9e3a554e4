// The process spawner forks attempts on the engine's behalf: what a job sees of how it was
// started must be what the engine's own spawn gave it (files, fd 3, environment, exit), and the
// engine must learn of every end, even when the spawner itself is gone.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Spawner, type SpawnRequest } from "./spawner";

const dirs: string[] = [];
const spawners: Spawner[] = [];
afterEach(() => {
  for (const s of spawners.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "spawner-"));
  dirs.push(dir);
  const logged: string[] = [];
  const spawner = new Spawner((message) => logged.push(message));
  spawners.push(spawner);
  const request = (args: string[], extra: Partial<SpawnRequest> = {}): SpawnRequest => ({
    file: "sh",
    args: ["-c", ...args],
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", MARK: "job-env" },
    stdout: join(dir, "out"),
    stderr: join(dir, "err"),
    ...extra,
  });
  const read = (name: "out" | "err") => readFileSync(join(dir, name), "utf8");
  return { spawner, request, read, logged, dir };
}

describe("process spawner", () => {
  it("starts a job in a session of its own, forked by the spawner and not by the engine", async () => {
    const { spawner, request, read, dir } = setup();
    const started = await spawner.spawn(request(['echo "$PPID $MARK $(pwd)"; ps -o sid= -p $$ | tr -d " " >&2']));
    expect(await started.exited).toEqual({ code: 0, signal: null });
    const [ppid, mark, cwd] = read("out").trim().split(" ");
    expect(Number(ppid)).not.toBe(process.pid);
    expect(Number(ppid)).toBeGreaterThan(0);
    expect(mark).toBe("job-env");
    expect(cwd).toBe(dir);
    // detached: the job leads its own session, so a signal to its group reaches nothing else
    expect(Number(read("err").trim())).toBe(started.pid);
  });

  it("gives the job only the environment it is given, and its input on fd 3", async () => {
    const { spawner, request, read } = setup();
    process.env.BATCHDECK_SPAWNER_TEST_SECRET = "engine-only";
    try {
      const started = await spawner.spawn(
        request(['echo "[$BATCHDECK_SPAWNER_TEST_SECRET]"; cat <&3'], { input: "from fd 3\n" }),
      );
      expect((await started.exited).code).toBe(0);
    } finally {
      delete process.env.BATCHDECK_SPAWNER_TEST_SECRET;
    }
    expect(read("out")).toBe("[]\nfrom fd 3\n");
  });

  it("reports exit codes and signals as the engine's own spawn did", async () => {
    const { spawner, request } = setup();
    expect(await (await spawner.spawn(request(["exit 3"]))).exited).toEqual({ code: 3, signal: null });
    const sleeping = await spawner.spawn(request(["sleep 30"]));
    process.kill(-sleeping.pid, "SIGTERM");
    expect(await sleeping.exited).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("refuses a program that does not exist as spawn's error does", async () => {
    const { spawner, request } = setup();
    await expect(spawner.spawn(request([], { file: "/nonexistent/program", args: [] }))).rejects.toMatchObject({
      code: "ENOENT",
    });
    // and goes on serving
    expect(await (await spawner.spawn(request(["true"]))).exited).toEqual({ code: 0, signal: null });
  });

  it("still learns that a job ended when the spawner is gone, and starts another spawner", async () => {
    const { spawner, request, logged } = setup();
    const running = await spawner.spawn(request(["sleep 0.5"]));
    const first = await spawner.spawn(request(['echo "$PPID"']));
    await first.exited;
    const spawnerPid = Number(readFileSync(request([]).stdout, "utf8").trim());
    process.kill(spawnerPid, "SIGKILL");
    const end = await running.exited;
    expect(end.code).toBeNull();
    expect(end.error?.message).toMatch(/spawner ended.*exit status is unknown/);
    expect(logged).toContain("the process spawner ended");
    const next = await spawner.spawn(request(['echo "$PPID"']));
    expect(await next.exited).toEqual({ code: 0, signal: null });
    expect(Number(readFileSync(request([]).stdout, "utf8").trim())).not.toBe(spawnerPid);
  });
});
