// For the throwaway servers of the end-to-end specs (scripts/e2e-server.mjs,
// e2e-hosted-server.mjs): what their engines leave outside their temporary folder when the
// server is stopped: containers still running (the runtime keeps them past their engine, by
// design) and the Podman service an engine started (detached, so it outlives a killed engine).
// Their engines run with a BATCHDECK_HOST_ID of their own, which labels every container they make.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function removeContainersOfHost(hostId) {
  const listed = spawnSync("podman", ["ps", "-aq", "--filter", `label=batchdeck.host=${hostId}`], { encoding: "utf8" });
  const ids = (listed.stdout ?? "").split("\n").filter(Boolean);
  if (ids.length > 0) spawnSync("podman", ["rm", "-f", ...ids], { stdio: "ignore" });
}

/** Stops the Podman service an engine started for this data folder, if any. */
export function stopPodmanService(dataDir) {
  const pidFile = join(dataDir, "containers", "podman-service.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // gone already
  }
}
