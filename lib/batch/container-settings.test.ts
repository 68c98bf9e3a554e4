import { describe, expect, it } from "vitest";
import { type ContainerExecution, containerExecutionSchema, readContainerExecution } from "./container-settings";
import { registerJobDefinitionInput } from "./shapes/job-definitions";

const register = (containerProperties: Record<string, unknown>) =>
  registerJobDefinitionInput.safeParse({
    jobDefinitionName: "def",
    type: "container",
    containerProperties: { image: "busybox", command: ["true"], ...containerProperties },
  });
const messages = (containerProperties: Record<string, unknown>) =>
  (register(containerProperties).error?.issues ?? []).map((i) => i.message);

const full = {
  user: "1000:1000",
  privileged: true,
  readonlyRootFilesystem: true,
  ulimits: [
    { name: "nofile", softLimit: 1024, hardLimit: 4096 },
    { name: "memlock", softLimit: -1, hardLimit: -1 },
  ],
  linuxParameters: {
    devices: [{ hostPath: "/dev/fuse", containerPath: "/dev/fuse", permissions: ["READ", "WRITE"] }],
    initProcessEnabled: true,
    sharedMemorySize: 256,
    tmpfs: [{ containerPath: "/scratch", size: 64, mountOptions: ["noexec", "mode=1777"] }],
    maxSwap: 0,
    swappiness: 10,
  },
  volumes: [
    { name: "data", host: { sourcePath: "/srv/data" } },
    { name: "scratch" },
    { name: "efs", efsVolumeConfiguration: { fileSystemId: "fs-1234", transitEncryption: "ENABLED" } },
  ],
  mountPoints: [
    { containerPath: "/data", readOnly: true, sourceVolume: "data" },
    { containerPath: "/tmp/s", sourceVolume: "scratch" },
  ],
  secrets: [{ name: "TOKEN", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:t" }],
  repositoryCredentials: { credentialsParameter: "arn:aws:secretsmanager:us-east-1:123456789012:secret:r" },
};

describe("containerProperties execution fields at RegisterJobDefinition", () => {
  it("accepts every field AWS defines and keeps unknown ones, nested too", () => {
    const parsed = register({
      ...full,
      jobRoleArn: "arn:aws:iam::1:role/r",
      linuxParameters: { ...full.linuxParameters, future: 1 },
    });
    expect(parsed.error).toBeUndefined();
    const cp = parsed.data?.containerProperties as Record<string, unknown>;
    expect(cp.jobRoleArn).toBe("arn:aws:iam::1:role/r");
    expect((cp.linuxParameters as Record<string, unknown>).future).toBe(1);
    expect(cp.volumes).toEqual(full.volumes);
  });

  it("accepts a definition with none of them (existing definitions)", () => {
    expect(register({}).error).toBeUndefined();
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ["user not a string", { user: 1000 }, "containerProperties.user must be a string."],
    ["empty user", { user: "" }, "containerProperties.user must not be empty."],
    ["privileged not boolean", { privileged: "yes" }, "containerProperties.privileged must be true or false."],
    [
      "readonlyRootFilesystem not boolean",
      { readonlyRootFilesystem: 1 },
      "containerProperties.readonlyRootFilesystem must be true or false.",
    ],
    ["ulimits not a list", { ulimits: {} }, "containerProperties.ulimits must be a list."],
    [
      "unknown ulimit name",
      { ulimits: [{ name: "files", softLimit: 1, hardLimit: 1 }] },
      `Value "files" at 'ulimits.name' failed to satisfy constraint: Member must satisfy enum value set: [core, cpu,`,
    ],
    [
      "soft above hard",
      { ulimits: [{ name: "nofile", softLimit: 10, hardLimit: 5 }] },
      "ulimits.softLimit must not be greater than ulimits.hardLimit.",
    ],
    [
      "unlimited soft over a finite hard",
      { ulimits: [{ name: "nofile", softLimit: -1, hardLimit: 5 }] },
      "ulimits.softLimit must not be greater than ulimits.hardLimit.",
    ],
    [
      "ulimit below -1",
      { ulimits: [{ name: "core", softLimit: -2, hardLimit: 0 }] },
      "ulimits.softLimit must be an integer, at least 0 (or -1 for unlimited).",
    ],
    [
      "ulimit not whole",
      { ulimits: [{ name: "core", softLimit: 0, hardLimit: 1.5 }] },
      "ulimits.hardLimit must be an integer.",
    ],
    ["ulimit missing hard", { ulimits: [{ name: "core", softLimit: 0 }] }, "ulimits.hardLimit must be an integer."],
    [
      "same ulimit twice",
      {
        ulimits: [
          { name: "nofile", softLimit: 1, hardLimit: 1 },
          { name: "nofile", softLimit: 2, hardLimit: 2 },
        ],
      },
      "containerProperties.ulimits names nofile more than once.",
    ],
    [
      "device without hostPath",
      { linuxParameters: { devices: [{ containerPath: "/dev/x" }] } },
      "linuxParameters.devices.hostPath must be a string.",
    ],
    [
      "relative device path",
      { linuxParameters: { devices: [{ hostPath: "dev/fuse" }] } },
      "linuxParameters.devices.hostPath must be an absolute path (starting with /).",
    ],
    [
      "relative device container path",
      { linuxParameters: { devices: [{ hostPath: "/dev/fuse", containerPath: "fuse" }] } },
      "linuxParameters.devices.containerPath must be an absolute path (starting with /).",
    ],
    [
      "unknown device permission",
      { linuxParameters: { devices: [{ hostPath: "/dev/fuse", permissions: ["EXECUTE"] }] } },
      `Value "EXECUTE" at 'linuxParameters.devices.permissions' failed to satisfy constraint: Member must satisfy enum value set: [READ, WRITE, MKNOD]`,
    ],
    [
      "initProcessEnabled not boolean",
      { linuxParameters: { initProcessEnabled: "true" } },
      "linuxParameters.initProcessEnabled must be true or false.",
    ],
    [
      "sharedMemorySize 0",
      { linuxParameters: { sharedMemorySize: 0 } },
      "linuxParameters.sharedMemorySize must be an integer at least 1.",
    ],
    [
      "tmpfs without size",
      { linuxParameters: { tmpfs: [{ containerPath: "/t" }] } },
      "linuxParameters.tmpfs.size must be an integer at least 1.",
    ],
    [
      "tmpfs relative path",
      { linuxParameters: { tmpfs: [{ containerPath: "t", size: 1 }] } },
      "linuxParameters.tmpfs.containerPath must be an absolute path (starting with /).",
    ],
    [
      "tmpfs unknown option",
      { linuxParameters: { tmpfs: [{ containerPath: "/t", size: 1, mountOptions: ["size=1g"] }] } },
      `Value "size=1g" at 'linuxParameters.tmpfs.mountOptions' failed to satisfy constraint`,
    ],
    [
      "tmpfs option smuggling another through a comma",
      { linuxParameters: { tmpfs: [{ containerPath: "/t", size: 1, mountOptions: ["mode=1777,size=1g"] }] } },
      `Value "mode=1777,size=1g" at 'linuxParameters.tmpfs.mountOptions'`,
    ],
    [
      "negative maxSwap",
      { linuxParameters: { maxSwap: -1 } },
      "linuxParameters.maxSwap must be an integer at least 0.",
    ],
    [
      "swappiness above 100",
      { linuxParameters: { swappiness: 101 } },
      "linuxParameters.swappiness must be an integer between 0 and 100.",
    ],
    ["volume without a name", { volumes: [{ host: { sourcePath: "/x" } }] }, "volumes.name is required."],
    [
      "volume name with a slash",
      { volumes: [{ name: "a/b" }] },
      "volumes.name must be 1–255 letters (uppercase and lowercase), numbers, hyphens (-) and underscores (_).",
    ],
    [
      "relative host path",
      { volumes: [{ name: "v", host: { sourcePath: "data" } }] },
      "volumes.host.sourcePath must be an absolute path (starting with /).",
    ],
    [
      "host and EFS together",
      { volumes: [{ name: "v", host: {}, efsVolumeConfiguration: { fileSystemId: "fs-1" } }] },
      "A volume can have host or efsVolumeConfiguration, not both.",
    ],
    [
      "EFS without a file system",
      { volumes: [{ name: "v", efsVolumeConfiguration: {} }] },
      "efsVolumeConfiguration.fileSystemId must be a string.",
    ],
    [
      "EFS IAM without transit encryption",
      {
        volumes: [
          { name: "v", efsVolumeConfiguration: { fileSystemId: "fs-1", authorizationConfig: { iam: "ENABLED" } } },
        ],
      },
      "efsVolumeConfiguration.transitEncryption must be ENABLED",
    ],
    [
      "EFS access point with a root directory",
      {
        volumes: [
          {
            name: "v",
            efsVolumeConfiguration: {
              fileSystemId: "fs-1",
              rootDirectory: "/a",
              transitEncryption: "ENABLED",
              authorizationConfig: { accessPointId: "fsap-1" },
            },
          },
        ],
      },
      'efsVolumeConfiguration.rootDirectory must be omitted or "/"',
    ],
    [
      "EFS port out of range",
      { volumes: [{ name: "v", efsVolumeConfiguration: { fileSystemId: "fs-1", transitEncryptionPort: 70000 } }] },
      "efsVolumeConfiguration.transitEncryptionPort must be an integer between 0 and 65535.",
    ],
    [
      "same volume twice",
      { volumes: [{ name: "v" }, { name: "v" }] },
      "containerProperties.volumes names v more than once.",
    ],
    [
      "mount point of no volume",
      { volumes: [{ name: "v" }], mountPoints: [{ containerPath: "/d", sourceVolume: "w" }] },
      'mountPoints.sourceVolume "w" does not name a volume in volumes.',
    ],
    [
      "mount point without volumes at all",
      { mountPoints: [{ containerPath: "/d", sourceVolume: "v" }] },
      'mountPoints.sourceVolume "v" does not name a volume in volumes.',
    ],
    [
      "relative mount path",
      { volumes: [{ name: "v" }], mountPoints: [{ containerPath: "d", sourceVolume: "v" }] },
      "mountPoints.containerPath must be an absolute path (starting with /).",
    ],
    [
      "mount point readOnly not boolean",
      { volumes: [{ name: "v" }], mountPoints: [{ containerPath: "/d", sourceVolume: "v", readOnly: "no" }] },
      "mountPoints.readOnly must be true or false.",
    ],
    [
      "mount point without a volume name",
      { volumes: [{ name: "v" }], mountPoints: [{ containerPath: "/d" }] },
      "mountPoints.sourceVolume must be a string.",
    ],
    [
      "secret named like Batch's variables",
      { secrets: [{ name: "AWS_BATCH_JOB_ID", valueFrom: "x" }] },
      "Secret names starting with AWS_BATCH are reserved for variables set by AWS Batch.",
    ],
    [
      "secret without a value source",
      { secrets: [{ name: "T", valueFrom: "" }] },
      "secrets.valueFrom must not be empty.",
    ],
    ["secret name with =", { secrets: [{ name: "A=B", valueFrom: "x" }] }, "secrets.name must not contain =."],
    [
      "same secret twice",
      {
        secrets: [
          { name: "T", valueFrom: "a" },
          { name: "T", valueFrom: "b" },
        ],
      },
      "containerProperties.secrets names T more than once.",
    ],
    ["a ulimit that is not an object", { ulimits: [null] }, "ulimits entries must be objects."],
    ["a volume that is not an object", { volumes: ["v"] }, "volumes entries must be objects."],
    ["a mount point that is not an object", { mountPoints: [1] }, "mountPoints entries must be objects."],
    ["a secret that is not an object", { secrets: ["T"] }, "secrets entries must be objects."],
    [
      "linuxParameters not an object",
      { linuxParameters: [] },
      "containerProperties.linuxParameters must be an object.",
    ],
    ["host not an object", { volumes: [{ name: "v", host: "/x" }] }, "volumes.host must be an object."],
    [
      "repository credentials without a parameter",
      { repositoryCredentials: {} },
      "repositoryCredentials.credentialsParameter must be a string.",
    ],
  ];
  it.each(cases)("%s", (_name, containerProperties, expected) => {
    const found = messages(containerProperties);
    expect(
      found.some((m) => m.includes(expected)),
      `got ${JSON.stringify(found)}`,
    ).toBe(true);
  });

  it("containerExecutionSchema holds the same rules on its own", () => {
    expect(containerExecutionSchema.safeParse(full).success).toBe(true);
    expect(
      containerExecutionSchema.safeParse({ mountPoints: [{ containerPath: "/d", sourceVolume: "v" }] }).success,
    ).toBe(false);
  });
});

const defaults: ContainerExecution = {
  privileged: false,
  readonlyRootFilesystem: false,
  ulimits: [],
  linuxParameters: { devices: [], initProcessEnabled: false, tmpfs: [] },
  volumes: [],
  mountPoints: [],
  secrets: [],
};

describe("readContainerExecution", () => {
  it("reads every field of a valid definition", () => {
    expect(readContainerExecution(full)).toEqual({
      user: "1000:1000",
      privileged: true,
      readonlyRootFilesystem: true,
      ulimits: full.ulimits,
      linuxParameters: full.linuxParameters,
      volumes: full.volumes,
      mountPoints: [
        { containerPath: "/data", readOnly: true, sourceVolume: "data" },
        { containerPath: "/tmp/s", readOnly: false, sourceVolume: "scratch" },
      ],
      secrets: full.secrets,
      repositoryCredentials: full.repositoryCredentials,
    });
  });

  it("gives the defaults for a container without execution fields", () => {
    expect(readContainerExecution({ jobRoleArn: "arn" })).toEqual(defaults);
  });

  it("keeps only the known fields of each entry", () => {
    const read = readContainerExecution({ ulimits: [{ name: "core", softLimit: 0, hardLimit: 0, extra: 1 }] });
    expect(read.ulimits).toEqual([{ name: "core", softLimit: 0, hardLimit: 0 }]);
  });

  const stale: [string, Record<string, unknown>, Partial<ContainerExecution>][] = [
    ["privileged as a string", { privileged: "true" }, {}],
    ["a bad ulimit drops the list", { ulimits: [{ name: "files", softLimit: 1, hardLimit: 1 }] }, {}],
    [
      "a bad linuxParameters field drops only that field",
      { linuxParameters: { sharedMemorySize: "big", initProcessEnabled: true } },
      { linuxParameters: { ...defaults.linuxParameters, initProcessEnabled: true } },
    ],
    ["linuxParameters not an object", { linuxParameters: "x" }, {}],
    ["volumes not a list", { volumes: "x", readonlyRootFilesystem: true }, { readonlyRootFilesystem: true }],
    ["secrets with a reserved name", { secrets: [{ name: "AWS_BATCH_X", valueFrom: "v" }] }, {}],
    ["user as a number", { user: 0 }, {}],
  ];
  it.each(stale)("drops what no longer parses: %s", (_name, extra, expected) => {
    expect(readContainerExecution(extra)).toEqual({ ...defaults, ...expected });
  });

  it("does not apply cross-field rules: the executor refuses a dangling mount point itself", () => {
    const read = readContainerExecution({ mountPoints: [{ containerPath: "/d", sourceVolume: "gone" }] });
    expect(read.mountPoints).toEqual([{ containerPath: "/d", readOnly: false, sourceVolume: "gone" }]);
  });
});
