import { describe, expect, it } from "vitest";
import { DEFAULT_EXECUTOR_POLICY, type ExecutorPolicy } from "@/lib/batch/executor-policy";
import { type CreateSpecInput, containerCreateSpec, containerName, LABELS } from "./create-spec";
import type { ContainerCreateBody } from "./docker-api";

const SECRET = "s3cr3t-value-never-shown";
const MiB = 1024 * 1024;

const base: CreateSpecInput = {
  job: {
    id: "6f1c2a7e-0000-4000-8000-000000000001",
    attemptNumber: 2,
    attemptId: "att-1",
    arrayIndex: null,
    queueName: "q",
    environmentName: "ce1",
  },
  container: {
    image: "localhost/busybox:1",
    command: ["echo", "hi"],
    environment: [{ name: "A", value: "1" }],
    vcpus: 0.5,
    memoryMiB: 256,
    gpus: 0,
    extra: { secrets: [{ name: "TOKEN", valueFrom: "arn:aws:secretsmanager:us-east-1:1:secret:t" }] },
  },
  policy: DEFAULT_EXECUTOR_POLICY,
  secrets: { TOKEN: SECRET },
  gpuDevices: [],
  engineId: "engine-1",
  hostId: "host-1",
  installId: "install-1",
  logPath: "/data/logs/j.2.log",
  logMaxBytes: 1000,
  ulimitCeiling: { nofile: 4096, nproc: 100_000 },
  hosted: false,
};

interface Patch {
  /** Merged into container.extra (the definition's execution fields). */
  extra?: Record<string, unknown>;
  container?: Partial<CreateSpecInput["container"]>;
  policy?: Partial<ExecutorPolicy>;
  job?: Partial<CreateSpecInput["job"]>;
  input?: Partial<Omit<CreateSpecInput, "job" | "container" | "policy">>;
}

function specFor(patch: Patch) {
  return containerCreateSpec({
    ...base,
    ...patch.input,
    job: { ...base.job, ...patch.job },
    container: {
      ...base.container,
      ...patch.container,
      extra: { ...base.container.extra, ...patch.extra },
    },
    policy: { ...base.policy, ...patch.policy },
  });
}

function ok(patch: Patch) {
  const spec = specFor(patch);
  if (!spec.ok) throw new Error(`refused: ${spec.reason}`);
  return spec;
}

const env = (body: ContainerCreateBody) =>
  Object.fromEntries((body.Env ?? []).map((e) => e.split(/=(.*)/s).slice(0, 2)));
const host = (body: ContainerCreateBody) => body.HostConfig ?? {};

describe("containerCreateSpec: the plain job", () => {
  it("maps image, command, labels, limits and the engine's defaults", () => {
    const spec = ok({});
    expect(spec.name).toBe("batchdeck-6f1c2a7e-0000-4000-8000-000000000001-2");
    expect(spec.body).toEqual({
      Image: "localhost/busybox:1",
      Cmd: ["echo", "hi"],
      Env: [
        "A=1",
        `TOKEN=${SECRET}`,
        "AWS_BATCH_JOB_ID=6f1c2a7e-0000-4000-8000-000000000001",
        "AWS_BATCH_JOB_ATTEMPT=2",
        "AWS_BATCH_JQ_NAME=q",
        "AWS_BATCH_CE_NAME=ce1",
        "NVIDIA_VISIBLE_DEVICES=void",
      ],
      Labels: {
        [LABELS.job]: "6f1c2a7e-0000-4000-8000-000000000001",
        [LABELS.attempt]: "2",
        [LABELS.attemptId]: "att-1",
        [LABELS.engine]: "engine-1",
        [LABELS.host]: "host-1",
        [LABELS.install]: "install-1",
        [LABELS.gpus]: "",
      },
      HostConfig: {
        NanoCpus: 500_000_000,
        Memory: 256 * MiB,
        MemorySwap: 256 * MiB,
        PidsLimit: 1024,
        Ulimits: [
          { Name: "nofile", Soft: 4096, Hard: 4096 },
          { Name: "nproc", Soft: 65_536, Hard: 65_536 },
        ],
        Init: false,
        ShmSize: 64 * MiB,
        ReadonlyRootfs: false,
        Privileged: false,
        SecurityOpt: ["no-new-privileges"],
        Devices: [],
        NetworkMode: "bridge",
        LogConfig: { Type: "k8s-file", Config: { path: "/data/logs/j.2.log", "max-size": "1000" } },
        AutoRemove: false,
      },
    });
    expect(spec.enforced).toEqual({
      executor: "container",
      image: "localhost/busybox:1",
      cpus: 0.5,
      memory: { bytes: 256 * MiB, swapBytes: 0 },
      pidsLimit: 1024,
      network: "bridge",
      readonlyRootFilesystem: false,
      privileged: false,
      user: null,
      ulimits: [
        { name: "nofile", soft: 4096, hard: 4096 },
        { name: "nproc", soft: 65_536, hard: 65_536 },
      ],
      init: false,
      shmBytes: 64 * MiB,
      disk: { mechanism: "none" },
      secrets: ["TOKEN"],
    });
  });
});

type Check = (spec: { body: ContainerCreateBody; enforced: Record<string, unknown>; name: string }) => void;

describe("containerCreateSpec: mappings", () => {
  const cases: [string, Patch, Check][] = [
    // Identity
    [
      "array child: index variable and a name Docker accepts",
      { job: { id: "6f1c:7", arrayIndex: 7 } },
      ({ body, name }) => {
        expect(name).toBe("batchdeck-6f1c-7-2");
        expect(env(body).AWS_BATCH_JOB_ARRAY_INDEX).toBe("7");
      },
    ],
    ["node ids map to valid names", { job: { id: "6f1c#0" } }, ({ name }) => expect(name).toBe("batchdeck-6f1c-0-2")],
    [
      "array index 0 is still set",
      { job: { arrayIndex: 0 } },
      ({ body }) => expect(env(body).AWS_BATCH_JOB_ARRAY_INDEX).toBe("0"),
    ],
    [
      "no command keeps the image's CMD",
      { container: { command: [] } },
      ({ body }) => expect(body.Cmd).toBeUndefined(),
    ],
    ["never an Entrypoint: the image's stays", {}, ({ body }) => expect(body.Entrypoint).toBeUndefined()],
    [
      "user",
      { extra: { user: "1000:1000" } },
      ({ body, enforced }) => {
        expect(body.User).toBe("1000:1000");
        expect(enforced.user).toBe("1000:1000");
      },
    ],
    // Environment
    [
      "a definition variable named like a secret loses to it, and is listed",
      { container: { environment: [{ name: "TOKEN", value: "mine" }] } },
      ({ body, enforced }) => {
        expect(env(body).TOKEN).toBe(SECRET);
        expect(body.Env?.filter((e) => e.startsWith("TOKEN="))).toHaveLength(1);
        expect(enforced.environmentShadowedBySecrets).toEqual(["TOKEN"]);
      },
    ],
    [
      "Batch's variables win over a stored AWS_BATCH one",
      { container: { environment: [{ name: "AWS_BATCH_JOB_ID", value: "forged" }] } },
      ({ body }) => expect(env(body).AWS_BATCH_JOB_ID).toBe(base.job.id),
    ],
    [
      "a value with = and newlines passes whole",
      { container: { environment: [{ name: "Q", value: "a=b\nc" }] } },
      ({ body }) => expect(body.Env).toContain("Q=a=b\nc"),
    ],
    [
      "GPUs: NVIDIA ids from the device nodes, CUDA numbered from 0, control devices passed too",
      { input: { gpuDevices: ["/dev/nvidia2", "/dev/nvidia3", "/dev/nvidiactl"] } },
      ({ body }) => {
        expect(body.Labels?.[LABELS.gpus]).toBe("2,3");
        expect(env(body).NVIDIA_VISIBLE_DEVICES).toBe("2,3");
        expect(env(body).CUDA_VISIBLE_DEVICES).toBe("0,1");
        expect(host(body).Devices).toEqual(
          ["/dev/nvidia2", "/dev/nvidia3", "/dev/nvidiactl"].map((p) => ({
            PathOnHost: p,
            PathInContainer: p,
            CgroupPermissions: "rwm",
          })),
        );
      },
    ],
    [
      "GPUs by id, over the job's own NVIDIA_VISIBLE_DEVICES",
      {
        input: { gpuDevices: ["/dev/nvidia0"], gpuIds: ["GPU-abc"] },
        container: { environment: [{ name: "NVIDIA_VISIBLE_DEVICES", value: "all" }] },
      },
      ({ body }) => {
        expect(body.Labels?.[LABELS.gpus]).toBe("GPU-abc");
        expect(env(body).NVIDIA_VISIBLE_DEVICES).toBe("GPU-abc");
        expect(env(body).CUDA_VISIBLE_DEVICES).toBe("0");
      },
    ],
    [
      "no GPUs: none through NVIDIA's hook, whatever the job says",
      { container: { environment: [{ name: "NVIDIA_VISIBLE_DEVICES", value: "all" }] } },
      ({ body }) => {
        expect(env(body).NVIDIA_VISIBLE_DEVICES).toBe("void");
        expect(env(body).CUDA_VISIBLE_DEVICES).toBeUndefined();
      },
    ],
    // Limits
    [
      "cpus and memory",
      { container: { vcpus: 2, memoryMiB: 1024 } },
      ({ body }) => {
        expect(host(body).NanoCpus).toBe(2_000_000_000);
        expect(host(body).Memory).toBe(1024 * MiB);
      },
    ],
    [
      "maxSwap adds swap; swappiness with it",
      { extra: { linuxParameters: { maxSwap: 512, swappiness: 10 } } },
      ({ body, enforced }) => {
        expect(host(body).MemorySwap).toBe(768 * MiB);
        expect(host(body).MemorySwappiness).toBe(10);
        expect(enforced.memory).toEqual({ bytes: 256 * MiB, swapBytes: 512 * MiB });
      },
    ],
    [
      "maxSwap 0: no swap",
      { extra: { linuxParameters: { maxSwap: 0 } } },
      ({ body }) => {
        expect(host(body).MemorySwap).toBe(256 * MiB);
        expect(host(body).MemorySwappiness).toBeUndefined();
      },
    ],
    [
      "swappiness without maxSwap is ignored (AWS)",
      { extra: { linuxParameters: { swappiness: 10 } } },
      ({ body }) => expect(host(body).MemorySwappiness).toBeUndefined(),
    ],
    [
      "pids limit from the environment",
      { policy: { pidsLimit: 64 } },
      ({ body }) => expect(host(body).PidsLimit).toBe(64),
    ],
    [
      "explicit ulimits kept; the missing one of nofile/nproc added",
      {
        extra: {
          ulimits: [
            { name: "nofile", softLimit: 1024, hardLimit: 4096 },
            { name: "memlock", softLimit: -1, hardLimit: -1 },
          ],
        },
      },
      ({ body }) =>
        expect(host(body).Ulimits).toEqual([
          { Name: "nofile", Soft: 1024, Hard: 4096 },
          { Name: "memlock", Soft: -1, Hard: -1 },
          { Name: "nproc", Soft: 65_536, Hard: 65_536 },
        ]),
    ],
    [
      "defaults are capped by a low ceiling",
      { input: { ulimitCeiling: { nofile: 1024, nproc: 512 } } },
      ({ body }) =>
        expect(host(body).Ulimits).toEqual([
          { Name: "nofile", Soft: 1024, Hard: 1024 },
          { Name: "nproc", Soft: 512, Hard: 512 },
        ]),
    ],
    [
      "nofile at exactly the ceiling",
      { extra: { ulimits: [{ name: "nofile", softLimit: 4096, hardLimit: 4096 }] } },
      ({ body }) => expect(host(body).Ulimits?.[0]).toEqual({ Name: "nofile", Soft: 4096, Hard: 4096 }),
    ],
    [
      "rtprio where privileged containers are allowed",
      {
        extra: { ulimits: [{ name: "rtprio", softLimit: 10, hardLimit: 10 }] },
        policy: { allowPrivileged: true },
      },
      ({ body }) => expect(host(body).Ulimits?.[0]).toEqual({ Name: "rtprio", Soft: 10, Hard: 10 }),
    ],
    [
      "nice 0 is harmless anywhere",
      { extra: { ulimits: [{ name: "nice", softLimit: 0, hardLimit: 0 }] } },
      ({ body }) => expect(host(body).Ulimits?.[0]).toEqual({ Name: "nice", Soft: 0, Hard: 0 }),
    ],
    [
      "init process and shared memory",
      { extra: { linuxParameters: { initProcessEnabled: true, sharedMemorySize: 512 } } },
      ({ body, enforced }) => {
        expect(host(body).Init).toBe(true);
        expect(host(body).ShmSize).toBe(512 * MiB);
        expect(enforced.shmBytes).toBe(512 * MiB);
      },
    ],
    [
      "disk quota where the storage driver enforces one",
      { input: { diskQuota: true }, policy: { diskMiB: 2048 } },
      ({ body, enforced }) => {
        expect(host(body).StorageOpt).toEqual({ size: "2048M" });
        expect(enforced.disk).toEqual({ mechanism: "storage-opt", bytes: 2048 * MiB });
      },
    ],
    [
      "no disk quota when the environment sets no limit",
      { input: { diskQuota: true }, policy: { diskMiB: null } },
      ({ body, enforced }) => {
        expect(host(body).StorageOpt).toBeUndefined();
        expect(enforced.disk).toEqual({ mechanism: "none" });
      },
    ],
    // File systems
    [
      "tmpfs with options",
      {
        extra: {
          linuxParameters: { tmpfs: [{ containerPath: "/scratch/", size: 64, mountOptions: ["noexec", "mode=1777"] }] },
        },
      },
      ({ body, enforced }) => {
        expect(host(body).Tmpfs).toEqual({ "/scratch": "size=64m,noexec,mode=1777" });
        expect(enforced.mounts).toEqual([{ containerPath: "/scratch", tmpfsBytes: 64 * MiB }]);
      },
    ],
    [
      "read-only root file system",
      { extra: { readonlyRootFilesystem: true } },
      ({ body, enforced }) => {
        expect(host(body).ReadonlyRootfs).toBe(true);
        expect(enforced.readonlyRootFilesystem).toBe(true);
      },
    ],
    [
      "host paths under an allowed prefix, read-only or not, normalized",
      {
        policy: { hostPaths: ["/srv/data"] },
        extra: {
          volumes: [
            { name: "in", host: { sourcePath: "/srv/data/in/" } },
            { name: "out", host: { sourcePath: "//srv/data/./out" } },
          ],
          mountPoints: [
            { containerPath: "/in", sourceVolume: "in", readOnly: true },
            { containerPath: "/out", sourceVolume: "out" },
          ],
        },
      },
      ({ body, enforced }) => {
        expect(host(body).Binds).toEqual(["/srv/data/in:/in:ro", "/srv/data/out:/out"]);
        expect(enforced.mounts).toEqual([
          { containerPath: "/in", hostPath: "/srv/data/in", readOnly: true },
          { containerPath: "/out", hostPath: "/srv/data/out" },
        ]);
      },
    ],
    [
      "a volume without a host path is an anonymous volume",
      {
        extra: {
          volumes: [{ name: "scratch" }, { name: "empty-host", host: {} }],
          mountPoints: [
            { containerPath: "/s", sourceVolume: "scratch" },
            { containerPath: "/e", sourceVolume: "empty-host", readOnly: true },
          ],
        },
      },
      ({ body }) => {
        expect(host(body).Binds).toBeUndefined();
        expect(host(body).Mounts).toEqual([
          { Type: "volume", Target: "/s", ReadOnly: false },
          { Type: "volume", Target: "/e", ReadOnly: true },
        ]);
      },
    ],
    [
      "volumes nothing mounts are ignored, EFS included",
      { extra: { volumes: [{ name: "efs", efsVolumeConfiguration: { fileSystemId: "fs-1" } }] } },
      ({ body }) => expect(host(body).Mounts).toBeUndefined(),
    ],
    // Privileges and devices
    [
      "privileged where the environment allows it: no no-new-privileges",
      { extra: { privileged: true }, policy: { allowPrivileged: true } },
      ({ body, enforced }) => {
        expect(host(body).Privileged).toBe(true);
        expect(host(body).SecurityOpt).toBeUndefined();
        expect(enforced.privileged).toBe(true);
      },
    ],
    [
      "a stored privileged that no longer parses reads as false",
      { extra: { privileged: "true" } },
      ({ body }) => expect(host(body).Privileged).toBe(false),
    ],
    [
      "an allowed device, its permissions as cgroup letters",
      {
        policy: { devices: ["/dev/fuse", "/dev/kvm"] },
        extra: {
          linuxParameters: {
            devices: [
              { hostPath: "/dev/fuse", permissions: ["WRITE", "READ"] },
              { hostPath: "/dev/kvm", containerPath: "/dev/vm" },
            ],
          },
        },
      },
      ({ body, enforced }) => {
        expect(host(body).Devices).toEqual([
          { PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rw" },
          { PathOnHost: "/dev/kvm", PathInContainer: "/dev/vm", CgroupPermissions: "rwm" },
        ]);
        expect(enforced.devices).toEqual(["/dev/fuse", "/dev/vm"]);
      },
    ],
    [
      "MKNOD alone",
      {
        policy: { devices: ["/dev/fuse"] },
        extra: { linuxParameters: { devices: [{ hostPath: "/dev/fuse", permissions: ["MKNOD"] }] } },
      },
      ({ body }) => expect(host(body).Devices?.[0]?.CgroupPermissions).toBe("m"),
    ],
    // Network, logs, hosted
    ["network none", { policy: { network: "none" } }, ({ body }) => expect(host(body).NetworkMode).toBe("none")],
    [
      "Docker's json-file log driver",
      { input: { logDriver: "json-file" } },
      ({ body }) => expect(host(body).LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "1000" } }),
    ],
    [
      "hosted: NET_RAW dropped, Docker's other default capabilities kept",
      { input: { hosted: true } },
      ({ body, enforced }) => {
        expect(host(body).CapDrop).toEqual(["NET_RAW"]);
        expect(host(body).CapAdd).toBeUndefined();
        expect(enforced.capDrop).toEqual(["NET_RAW"]);
      },
    ],
    [
      "hosted: GPUs still handed out",
      { input: { hosted: true, gpuDevices: ["/dev/nvidia0"] } },
      ({ body }) => expect(host(body).Devices).toHaveLength(1),
    ],
  ];
  it.each(cases)("%s", (_name, patch, check) => {
    const spec = ok(patch);
    check(spec);
    expect(JSON.stringify(spec.enforced)).not.toContain(SECRET);
  });
});

describe("containerCreateSpec: refusals", () => {
  const cases: [string, Patch, string][] = [
    ["no image", { container: { image: "" } }, "the job has no image to run"],
    [
      "privileged without the tag",
      { extra: { privileged: true } },
      "privileged containers are not allowed on compute environment ce1 (tag batchdeck:allowPrivileged)",
    ],
    [
      "privileged on a hosted install, whatever the tag",
      { extra: { privileged: true }, policy: { allowPrivileged: true }, input: { hosted: true } },
      "privileged containers are not allowed on a hosted installation",
    ],
    [
      "nofile above the host's ceiling",
      { extra: { ulimits: [{ name: "nofile", softLimit: 1024, hardLimit: 8192 }] } },
      "ulimit nofile hard limit 8192 is above this host's limit of 4096",
    ],
    [
      "unlimited nproc",
      { extra: { ulimits: [{ name: "nproc", softLimit: -1, hardLimit: -1 }] } },
      "ulimit nproc hard limit unlimited is above this host's limit of 100000",
    ],
    [
      "rtprio without privileged allowed",
      { extra: { ulimits: [{ name: "rtprio", softLimit: 0, hardLimit: 99 }] } },
      "ulimit rtprio above 0 lets a job outrank the engine",
    ],
    [
      "nice on a hosted install",
      {
        extra: { ulimits: [{ name: "nice", softLimit: 20, hardLimit: 20 }] },
        policy: { allowPrivileged: true },
        input: { hosted: true },
      },
      "ulimit nice above 0 lets a job outrank the engine",
    ],
    [
      "a device the environment does not list",
      { policy: { devices: ["/dev/fuse"] }, extra: { linuxParameters: { devices: [{ hostPath: "/dev/sda" }] } } },
      "device /dev/sda is not allowed on compute environment ce1 (tag batchdeck:devices)",
    ],
    [
      "a device climbing out of an allowed one",
      {
        policy: { devices: ["/dev/fuse"] },
        extra: { linuxParameters: { devices: [{ hostPath: "/dev/fuse/../sda" }] } },
      },
      "device /dev/fuse/../sda is not allowed",
    ],
    [
      "a GPU device asked for directly",
      { extra: { linuxParameters: { devices: [{ hostPath: "/dev/nvidia0" }] } } },
      "device /dev/nvidia0 is not allowed",
    ],
    [
      "a device on a hosted install",
      {
        policy: { devices: ["/dev/fuse"] },
        extra: { linuxParameters: { devices: [{ hostPath: "/dev/fuse" }] } },
        input: { hosted: true },
      },
      "host devices are not available on a hosted installation",
    ],
    [
      "a host path outside every allowed prefix",
      {
        policy: { hostPaths: ["/srv/data"] },
        extra: {
          volumes: [{ name: "v", host: { sourcePath: "/etc" } }],
          mountPoints: [{ containerPath: "/e", sourceVolume: "v" }],
        },
      },
      "volume v: host path /etc is not under a path allowed on compute environment ce1 (tag batchdeck:hostPaths)",
    ],
    [
      "a host path sharing only a prefix of characters",
      {
        policy: { hostPaths: ["/srv/data"] },
        extra: {
          volumes: [{ name: "v", host: { sourcePath: "/srv/database" } }],
          mountPoints: [{ containerPath: "/d", sourceVolume: "v" }],
        },
      },
      "host path /srv/database is not under a path allowed",
    ],
    [
      "a host path climbing out with ..",
      {
        policy: { hostPaths: ["/srv/data"] },
        extra: {
          volumes: [{ name: "v", host: { sourcePath: "/srv/data/../../etc" } }],
          mountPoints: [{ containerPath: "/d", sourceVolume: "v" }],
        },
      },
      "host path /srv/data/../../etc is not under a path allowed",
    ],
    [
      "a host path with no prefixes allowed",
      {
        extra: {
          volumes: [{ name: "v", host: { sourcePath: "/tmp" } }],
          mountPoints: [{ containerPath: "/t", sourceVolume: "v" }],
        },
      },
      "host path /tmp is not under a path allowed",
    ],
    [
      "a host path on a hosted install",
      {
        policy: { hostPaths: ["/srv"] },
        input: { hosted: true },
        extra: {
          volumes: [{ name: "v", host: { sourcePath: "/srv" } }],
          mountPoints: [{ containerPath: "/s", sourceVolume: "v" }],
        },
      },
      "host paths are not available on a hosted installation",
    ],
    [
      "an EFS volume",
      {
        extra: {
          volumes: [{ name: "shared", efsVolumeConfiguration: { fileSystemId: "fs-1" } }],
          mountPoints: [{ containerPath: "/mnt/efs", sourceVolume: "shared" }],
        },
      },
      "volume shared is an Amazon EFS volume, which the built-in engine can't mount",
    ],
    [
      "a mount point naming no volume (stored before validation)",
      { extra: { mountPoints: [{ containerPath: "/d", sourceVolume: "gone" }] } },
      "mount point /d names volume gone, which volumes does not define",
    ],
    [
      "a mount over /",
      { extra: { volumes: [{ name: "v" }], mountPoints: [{ containerPath: "/", sourceVolume: "v" }] } },
      "mount point path / can't be mounted over",
    ],
    [
      "a container path with a colon",
      { extra: { volumes: [{ name: "v" }], mountPoints: [{ containerPath: "/a:b", sourceVolume: "v" }] } },
      "mount point path /a:b must be absolute, without .. segments, colons or commas",
    ],
    [
      "the same path mounted twice",
      {
        extra: {
          volumes: [{ name: "v" }],
          mountPoints: [{ containerPath: "/scratch", sourceVolume: "v" }],
          linuxParameters: { tmpfs: [{ containerPath: "/scratch/", size: 1 }] },
        },
      },
      "/scratch is mounted more than once",
    ],
    [
      "a tmpfs bind option",
      { extra: { linuxParameters: { tmpfs: [{ containerPath: "/t", size: 1, mountOptions: ["rbind"] }] } } },
      "tmpfs mount option rbind is not available on the built-in engine",
    ],
    [
      "a tmpfs option without its value",
      { extra: { linuxParameters: { tmpfs: [{ containerPath: "/t", size: 1, mountOptions: ["mode"] }] } } },
      "tmpfs mount option mode needs a value (mode=…)",
    ],
    [
      "an environment name that would set another variable",
      { container: { environment: [{ name: "PATH=/evil:", value: "x" }] } },
      'environment variable name "PATH=/evil:" can\'t be passed to a container',
    ],
    [
      "an environment value with NUL",
      { container: { environment: [{ name: "A", value: "a\0b" }] } },
      "environment variable A contains a NUL character",
    ],
    ["a declared secret the engine could not resolve", { input: { secrets: {} } }, "secret TOKEN was not resolved"],
    [
      "a secret value with NUL, without showing it",
      { input: { secrets: { TOKEN: `${SECRET}\0` } } },
      "the value of secret TOKEN contains a NUL character",
    ],
  ];
  it.each(cases)("%s", (_name, patch, reason) => {
    const spec = specFor(patch);
    expect(spec.ok).toBe(false);
    if (spec.ok) return;
    expect(spec.reason).toContain(reason);
    expect(spec.reason).not.toContain(SECRET);
  });
});

describe("containerName", () => {
  it.each([
    ["6f1c2a7e-0000-4000-8000-000000000001", 1, "batchdeck-6f1c2a7e-0000-4000-8000-000000000001-1"],
    ["abc:12", 3, "batchdeck-abc-12-3"],
    ["abc#2", 1, "batchdeck-abc-2-1"],
    ["a/b c", 1, "batchdeck-a-b-c-1"],
  ] as const)("%s attempt %i → %s", (id, attempt, expected) => {
    expect(containerName(id, attempt)).toBe(expected);
    expect(expected).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
  });
});
