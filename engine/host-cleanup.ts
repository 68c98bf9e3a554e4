// Stops what dead engines of this machine left running, when the leader runs on another machine
// (hosts.ts): the leader is waiting for it before it retries those attempts elsewhere. The
// attempts are found in the database (jobs still on a host whose engine was of this machine), and
// stopped by the marks recovery uses: containers by their labels, processes by their job id in
// their environment, the uid each attempt ran as, and the dead engines' cgroups.
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import type { EngineLog } from "@/lib/log";
import { LABELS } from "./containers/create-spec";
import type { ContainerRuntime } from "./containers/runtime";
import type { Hosts } from "./hosts";
import { killUid } from "./job-users";
import { cleanEngineCgroups, type HostLimits } from "./limits";
import { jobProcesses } from "./processes";

function attemptUid(enforcedLimits: string): number | null {
  try {
    const e = JSON.parse(enforcedLimits) as { user?: unknown; uidPerAttempt?: unknown };
    return e.uidPerAttempt === true && typeof e.user === "number" ? e.user : null;
  } catch {
    return null;
  }
}

export async function stopDeadEnginesHere(o: {
  db: Db;
  hosts: Hosts;
  host: HostLimits;
  hostId: string;
  installId: string;
  leaderEngineId: string;
  runtime: ContainerRuntime | null;
  log: EngineLog;
}): Promise<number> {
  const jobs = await o.db.job.findMany({
    where: { status: { in: [...ON_HOST_STATUSES] }, leaseOwner: { not: o.leaderEngineId } },
    select: { id: true, leaseOwner: true, attemptCount: true },
  });
  const engines = await o.hosts.engines([...new Set(jobs.map((j) => j.leaseOwner!))]);
  const deadHere = new Set([...engines].filter(([, e]) => e.hostId === o.hostId).map(([id]) => id));
  const mine = jobs.filter((j) => deadHere.has(j.leaseOwner!));
  let stopped = 0;
  // Every container of this installation on this machine: no engine here runs jobs while the
  // leader is elsewhere.
  if (o.runtime) {
    const containers = await o.runtime.api.listContainers({
      all: true,
      labels: [`${LABELS.install}=${o.installId}`],
    });
    for (const c of containers) {
      if ((c.Labels?.[LABELS.host] ?? o.hostId) !== o.hostId) continue;
      await o.runtime.api.removeContainer(c.Id, { force: true });
      stopped++;
    }
  }
  if (mine.length > 0) {
    const processes = jobProcesses();
    for (const j of mine) {
      for (const pid of processes.get(j.id) ?? []) {
        try {
          process.kill(pid, "SIGKILL");
          stopped++;
        } catch {
          // gone already
        }
      }
    }
    const attempts = await o.db.jobAttempt.findMany({
      where: { OR: mine.map((j) => ({ jobId: j.id, attemptNumber: Math.max(1, j.attemptCount) })) },
      select: { enforcedLimits: true },
    });
    const users = o.host.users;
    for (const a of attempts) {
      const uid = attemptUid(a.enforcedLimits);
      if (uid !== null && users.kind === "per-attempt" && uid >= users.first && uid <= users.last) {
        await killUid(uid, uid);
      }
    }
  }
  for (const engineId of deadHere) cleanEngineCgroups(o.host, engineId);
  if (stopped > 0) o.log("stopped a dead engine's jobs on this machine", { level: "warn", stopped });
  return stopped;
}
