// A host directory a process job mounts at the same path (the process executor honours a job
// definition's host volumes where the environment's batchdeck:hostPaths allows them): sealed
// jobs see the host read-only and /tmp as their own, so this is how a test hands them a script
// or takes their marks.
export function hostVolume(path: string, readOnly = false): Record<string, unknown> {
  return {
    volumes: [{ name: "shared", host: { sourcePath: path } }],
    mountPoints: [{ sourceVolume: "shared", containerPath: path, readOnly }],
  };
}
