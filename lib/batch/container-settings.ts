// containerProperties' execution fields as AWS Batch defines them (ContainerProperties,
// LinuxParameters, Device, Tmpfs, Ulimit, Volume, Host, MountPoint, Secret,
// RepositoryCredentials), validated at RegisterJobDefinition, and the typed view the container
// executor reads from a job's resolved container (`ResolvedContainer.extra`).
//
// Registration checks what AWS checks, plus what no runtime could run (relative container paths,
// a mount point naming no volume, one ulimit or volume named twice). Whether this host may grant
// a field (privileged, host paths, devices) is not decided here: that depends on the compute
// environment the job lands on (lib/batch/executor-policy.ts, engine/containers/create-spec.ts).
//
// Nested objects are loose, like containerProperties itself: a field AWS adds later is stored
// and returned rather than dropped.
import { z } from "zod";
import { awsEnum, awsInt, awsList, awsString, quoteValue } from "./shapes/common";

export const ULIMIT_NAMES = [
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack",
] as const;

export const DEVICE_PERMISSIONS = ["READ", "WRITE", "MKNOD"] as const;
export type DevicePermission = (typeof DEVICE_PERMISSIONS)[number];

/** AWS's Tmpfs.mountOptions values; those that take a value (mode, uid, …) are written key=value. */
export const TMPFS_MOUNT_OPTIONS = [
  "defaults",
  "ro",
  "rw",
  "suid",
  "nosuid",
  "dev",
  "nodev",
  "exec",
  "noexec",
  "sync",
  "async",
  "dirsync",
  "remount",
  "mand",
  "nomand",
  "atime",
  "noatime",
  "diratime",
  "nodiratime",
  "bind",
  "rbind",
  "unbindable",
  "runbindable",
  "private",
  "rprivate",
  "shared",
  "rshared",
  "slave",
  "rslave",
  "relatime",
  "norelatime",
  "strictatime",
  "nostrictatime",
  "mode",
  "uid",
  "gid",
  "nr_inodes",
  "nr_blocks",
  "mpol",
] as const;

/** Secrets become environment variables; these names are Batch's own. */
const RESERVED_ENV_PREFIX = "AWS_BATCH";
const VOLUME_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** A tmpfs option, bare or key=value; no comma, which would smuggle in another option. */
const TMPFS_OPTION = /^([a-z_]+)(?:=[A-Za-z0-9:._/-]+)?$/;
/** Every list here is bounded by the 24 KiB definition; these caps only name a sane maximum. */
const MAX_ENTRIES = 100;

/** Messages for a list entry, or a structure, that is not an object at all. */
const entry = (field: string) => ({ message: `${field} entries must be objects.` });
const structure = (field: string) => ({ message: `${field} must be an object.` });

const flag = (field: string) => z.boolean({ message: `${field} must be true or false.` });

/** A path inside the container, or on the host: absolute, as Docker requires. */
export const absolutePath = (field: string) =>
  awsString(field, 4096, 1).refine((p) => p.startsWith("/"), {
    message: `${field} must be an absolute path (starting with /).`,
  });

/** -1 is "unlimited", as Docker (and ECS task definitions, e.g. memlock) write it. */
const ulimitValue = (field: string) => {
  const message = `${field} must be an integer, at least 0 (or -1 for unlimited).`;
  return awsInt(field).pipe(z.number().min(-1, message));
};
const unlimited = (n: number) => (n === -1 ? Number.POSITIVE_INFINITY : n);

export const ulimitSchema = z
  .looseObject(
    {
      name: awsEnum("ulimits.name", ULIMIT_NAMES),
      softLimit: ulimitValue("ulimits.softLimit"),
      hardLimit: ulimitValue("ulimits.hardLimit"),
    },
    entry("ulimits"),
  )
  .refine((u) => unlimited(u.softLimit) <= unlimited(u.hardLimit), {
    message: "ulimits.softLimit must not be greater than ulimits.hardLimit.",
  });

export const deviceSchema = z.looseObject(
  {
    hostPath: absolutePath("linuxParameters.devices.hostPath"),
    containerPath: absolutePath("linuxParameters.devices.containerPath").optional(),
    permissions: awsList(
      "linuxParameters.devices.permissions",
      awsEnum("linuxParameters.devices.permissions", DEVICE_PERMISSIONS),
      3,
    ).optional(),
  },
  entry("linuxParameters.devices"),
);

const tmpfsOption = z
  .string({ message: "linuxParameters.tmpfs.mountOptions entries must be strings." })
  .superRefine((option, ctx) => {
    if ((TMPFS_MOUNT_OPTIONS as readonly string[]).includes(TMPFS_OPTION.exec(option)?.[1] ?? "")) return;
    ctx.addIssue({
      code: "custom",
      message: `Value ${quoteValue(option)} at 'linuxParameters.tmpfs.mountOptions' failed to satisfy constraint: Member must satisfy enum value set: [${TMPFS_MOUNT_OPTIONS.join(", ")}] (key=value where the option takes a value).`,
    });
  });

export const tmpfsSchema = z.looseObject(
  {
    containerPath: absolutePath("linuxParameters.tmpfs.containerPath"),
    size: awsInt("linuxParameters.tmpfs.size", 1),
    mountOptions: awsList("linuxParameters.tmpfs.mountOptions", tmpfsOption, 40).optional(),
  },
  entry("linuxParameters.tmpfs"),
);

export const linuxParametersSchema = z.looseObject(
  {
    devices: awsList("linuxParameters.devices", deviceSchema, MAX_ENTRIES).optional(),
    initProcessEnabled: flag("linuxParameters.initProcessEnabled").optional(),
    /** MiB. */
    sharedMemorySize: awsInt("linuxParameters.sharedMemorySize", 1).optional(),
    tmpfs: awsList("linuxParameters.tmpfs", tmpfsSchema, MAX_ENTRIES).optional(),
    /** MiB of swap on top of the memory limit; 0 means none. */
    maxSwap: awsInt("linuxParameters.maxSwap", 0).optional(),
    /** Only honoured when maxSwap is set (AWS). */
    swappiness: awsInt("linuxParameters.swappiness", 0, 100).optional(),
  },
  structure("containerProperties.linuxParameters"),
);

const enabledDisabled = (field: string) => awsEnum(field, ["ENABLED", "DISABLED"]);

export const efsVolumeConfigurationSchema = z
  .looseObject(
    {
      fileSystemId: awsString("efsVolumeConfiguration.fileSystemId", 255, 1),
      rootDirectory: awsString("efsVolumeConfiguration.rootDirectory", 4096).optional(),
      transitEncryption: enabledDisabled("efsVolumeConfiguration.transitEncryption").optional(),
      transitEncryptionPort: awsInt("efsVolumeConfiguration.transitEncryptionPort", 0, 65535).optional(),
      authorizationConfig: z
        .looseObject(
          {
            accessPointId: awsString("efsVolumeConfiguration.authorizationConfig.accessPointId", 255, 1).optional(),
            iam: enabledDisabled("efsVolumeConfiguration.authorizationConfig.iam").optional(),
          },
          structure("efsVolumeConfiguration.authorizationConfig"),
        )
        .optional(),
    },
    structure("volumes.efsVolumeConfiguration"),
  )
  .superRefine((efs, ctx) => {
    // AWS: IAM authorization and access points need encryption in transit, and an access point
    // fixes the root directory itself.
    const auth = efs.authorizationConfig;
    if ((auth?.iam === "ENABLED" || auth?.accessPointId) && efs.transitEncryption !== "ENABLED") {
      ctx.addIssue({
        code: "custom",
        message:
          "efsVolumeConfiguration.transitEncryption must be ENABLED when authorizationConfig uses IAM or an access point.",
      });
    }
    if (auth?.accessPointId && efs.rootDirectory !== undefined && efs.rootDirectory !== "/") {
      ctx.addIssue({
        code: "custom",
        message: 'efsVolumeConfiguration.rootDirectory must be omitted or "/" when an access point is used.',
      });
    }
  });

export const volumeSchema = z
  .looseObject(
    {
      name: z
        .string({ message: "volumes.name is required." })
        .regex(
          VOLUME_NAME,
          "volumes.name must be 1–255 letters (uppercase and lowercase), numbers, hyphens (-) and underscores (_).",
        ),
      host: z
        .looseObject({ sourcePath: absolutePath("volumes.host.sourcePath").optional() }, structure("volumes.host"))
        .optional(),
      efsVolumeConfiguration: efsVolumeConfigurationSchema.optional(),
    },
    entry("volumes"),
  )
  .refine((v) => !(v.host && v.efsVolumeConfiguration), {
    message: "A volume can have host or efsVolumeConfiguration, not both.",
  });

export const mountPointSchema = z.looseObject(
  {
    containerPath: absolutePath("mountPoints.containerPath"),
    readOnly: flag("mountPoints.readOnly").optional(),
    sourceVolume: awsString("mountPoints.sourceVolume", 255, 1),
  },
  entry("mountPoints"),
);

export const secretSchema = z.looseObject(
  {
    // The name of the environment variable the value is set in.
    name: awsString("secrets.name", 1024, 1)
      .refine((n) => !n.startsWith(RESERVED_ENV_PREFIX), {
        message: "Secret names starting with AWS_BATCH are reserved for variables set by AWS Batch.",
      })
      .refine((n) => !n.includes("="), { message: "secrets.name must not contain =." }),
    valueFrom: awsString("secrets.valueFrom", 2048, 1),
  },
  entry("secrets"),
);

export const repositoryCredentialsSchema = z.looseObject(
  {
    credentialsParameter: awsString("repositoryCredentials.credentialsParameter", 2048, 1),
  },
  structure("containerProperties.repositoryCredentials"),
);

/** The fields, for merging into containerPropertiesSchema (shapes/job-definitions.ts). */
export const containerExecutionShape = {
  user: awsString("containerProperties.user", 1024, 1).optional(),
  privileged: flag("containerProperties.privileged").optional(),
  readonlyRootFilesystem: flag("containerProperties.readonlyRootFilesystem").optional(),
  ulimits: awsList("containerProperties.ulimits", ulimitSchema, ULIMIT_NAMES.length).optional(),
  linuxParameters: linuxParametersSchema.optional(),
  volumes: awsList("containerProperties.volumes", volumeSchema, MAX_ENTRIES).optional(),
  mountPoints: awsList("containerProperties.mountPoints", mountPointSchema, MAX_ENTRIES).optional(),
  secrets: awsList("containerProperties.secrets", secretSchema, MAX_ENTRIES).optional(),
  repositoryCredentials: repositoryCredentialsSchema.optional(),
};

type ExecutionFields = {
  ulimits?: { name: string }[];
  volumes?: { name: string }[];
  mountPoints?: { sourceVolume: string }[];
  secrets?: { name: string }[];
};

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** The rules between fields; containerPropertiesSchema applies them too. */
export function checkContainerExecution(value: ExecutionFields, ctx: z.RefinementCtx): void {
  const add = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  for (const name of duplicates((value.ulimits ?? []).map((u) => u.name))) {
    add("ulimits", `containerProperties.ulimits names ${name} more than once.`);
  }
  const volumeNames = (value.volumes ?? []).map((v) => v.name);
  for (const name of duplicates(volumeNames))
    add("volumes", `containerProperties.volumes names ${name} more than once.`);
  for (const m of value.mountPoints ?? []) {
    if (!volumeNames.includes(m.sourceVolume)) {
      add(
        "mountPoints",
        `mountPoints.sourceVolume ${JSON.stringify(m.sourceVolume)} does not name a volume in volumes.`,
      );
    }
  }
  for (const name of duplicates((value.secrets ?? []).map((s) => s.name))) {
    add("secrets", `containerProperties.secrets names ${name} more than once.`);
  }
}

export const containerExecutionSchema = z.object(containerExecutionShape).superRefine(checkContainerExecution);

// ─── The engine's typed view ─────────────────────────────────────────────────

export interface ContainerExecution {
  user?: string;
  privileged: boolean;
  readonlyRootFilesystem: boolean;
  ulimits: { name: string; softLimit: number; hardLimit: number }[];
  linuxParameters: {
    devices: { hostPath: string; containerPath?: string; permissions?: DevicePermission[] }[];
    initProcessEnabled: boolean;
    sharedMemorySize?: number;
    tmpfs: { containerPath: string; size: number; mountOptions?: string[] }[];
    maxSwap?: number;
    swappiness?: number;
  };
  /** efsVolumeConfiguration is kept so the executor can refuse it by name rather than ignore it. */
  volumes: { name: string; host?: { sourcePath?: string }; efsVolumeConfiguration?: Record<string, unknown> }[];
  mountPoints: { containerPath: string; readOnly: boolean; sourceVolume: string }[];
  secrets: { name: string; valueFrom: string }[];
  repositoryCredentials?: { credentialsParameter: string };
}

/** The value of `schema` for `value`, or undefined when it does not parse (or is absent). */
function field<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The execution fields of a resolved container. Tolerant: definitions registered before these
 * fields were validated may hold anything, so each field that no longer parses is dropped (its
 * default applies) instead of failing the job here; the executor refuses what the remaining
 * fields ask for if the environment does not allow it.
 */
export function readContainerExecution(extra: Record<string, unknown>): ContainerExecution {
  const s = containerExecutionShape;
  const lp = typeof extra.linuxParameters === "object" && extra.linuxParameters !== null ? extra.linuxParameters : {};
  const l = linuxParametersSchema.shape;
  const linux = lp as Record<string, unknown>;
  const volumes = field(s.volumes, extra.volumes) ?? [];
  const credentials = field(s.repositoryCredentials, extra.repositoryCredentials);
  return {
    user: field(s.user, extra.user),
    privileged: field(s.privileged, extra.privileged) ?? false,
    readonlyRootFilesystem: field(s.readonlyRootFilesystem, extra.readonlyRootFilesystem) ?? false,
    ulimits: (field(s.ulimits, extra.ulimits) ?? []).map(({ name, softLimit, hardLimit }) => ({
      name,
      softLimit,
      hardLimit,
    })),
    linuxParameters: {
      devices: (field(l.devices, linux.devices) ?? []).map(({ hostPath, containerPath, permissions }) =>
        dropUndefined({ hostPath, containerPath, permissions }),
      ),
      initProcessEnabled: field(l.initProcessEnabled, linux.initProcessEnabled) ?? false,
      sharedMemorySize: field(l.sharedMemorySize, linux.sharedMemorySize),
      tmpfs: (field(l.tmpfs, linux.tmpfs) ?? []).map(({ containerPath, size, mountOptions }) =>
        dropUndefined({ containerPath, size, mountOptions }),
      ),
      maxSwap: field(l.maxSwap, linux.maxSwap),
      swappiness: field(l.swappiness, linux.swappiness),
    },
    volumes: volumes.map(({ name, host, efsVolumeConfiguration }) =>
      dropUndefined({
        name,
        host: host ? dropUndefined({ sourcePath: host.sourcePath }) : undefined,
        efsVolumeConfiguration,
      }),
    ),
    mountPoints: (field(s.mountPoints, extra.mountPoints) ?? []).map(({ containerPath, readOnly, sourceVolume }) => ({
      containerPath,
      readOnly: readOnly ?? false,
      sourceVolume,
    })),
    secrets: (field(s.secrets, extra.secrets) ?? []).map(({ name, valueFrom }) => ({ name, valueFrom })),
    repositoryCredentials: credentials ? { credentialsParameter: credentials.credentialsParameter } : undefined,
  };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
