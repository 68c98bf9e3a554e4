// The cgroup pool as the unsealed path uses it (a host where attempts cannot have namespaces of
// their own): a job that leaves files in the host's /dev/shm leaves their pages charged to its
// group, and that group must not be handed to the next attempt. Needs root and a memory cgroup.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { isAbsolute } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JobIdentities, resolveJobUsers } from "./job-users";
import { CgroupPool, detectHostLimits } from "./limits";

const isRoot = process.getuid?.() === 0;
const host = isRoot ? detectHostLimits(resolveJobUsers(undefined)) : null;
const withCgroups = host?.mechanism === "cgroup-v1" || host?.mechanism === "cgroup-v2";

describe.runIf(isRoot && withCgroups)("cgroup pool", () => {
  const pool = new CgroupPool(host!, `limits-test-${process.pid}`);
  const identities = new JobIdentities(host!.users);
  const shm = `/dev/shm/batchdeck-limits-test-${randomBytes(4).toString("hex")}`;
  afterAll(() => {
    rmSync(shm, { force: true });
    pool.close();
  });

  /** One unsealed attempt of `command`; returns the group it ran in. */
  async function attempt(command: string[]): Promise<string> {
    const identity = identities.acquire()!;
    const limits = pool.prepare(64, 64, identity, false);
    const argv = pool.wrap(limits, command);
    // Wrappers by absolute path: a job's PATH never chooses them.
    expect(isAbsolute(argv[0]!)).toBe(true);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: "/",
        uid: identity.uid,
        gid: identity.gid,
        env: { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
        stdio: "ignore",
      });
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
    expect(pool.release(limits)).toMatchObject({ emptied: true, oomKilled: false });
    identities.release(identity);
    return limits.cgroup!.dir;
  }

  it("reuses a clean group, and never one still charged with a job's shared memory", async () => {
    const clean = await attempt(["true"]);
    expect(await attempt(["true"])).toBe(clean);
    // 16 MiB left in the host's /dev/shm, charged to the group the job ran in.
    const dirty = await attempt(["sh", "-c", `head -c 16777216 /dev/zero > ${shm}`]);
    expect(dirty).toBe(clean);
    expect(await attempt(["true"])).not.toBe(dirty);
  });
});
