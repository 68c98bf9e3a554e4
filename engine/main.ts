// The engine process: `node --import tsx engine/main.ts` (npm start runs it). Reads DATABASE_URL and
// BATCHDECK_DATA_DIR through lib/env.ts; engine tuning comes from BATCHDECK_ENGINE_* variables
// (validated here; they are engine-only). SIGTERM/SIGINT stop it gracefully: running jobs are
// killed and recorded as host-terminated, so they are retried where attempts remain.
import { resolve } from "node:path";
import { z } from "zod";
import { createDb, providerOf } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { startEngine } from "./engine";
import { parseUidRange } from "./job-users";
import { parseOvercommit } from "./options";

const ms = z.coerce.number().int().min(1).optional();
const engineEnv = z
  .object({
    BATCHDECK_ENGINE_ID: z.string().min(1).optional(),
    BATCHDECK_ENGINE_POLL_MS: ms,
    BATCHDECK_ENGINE_LEASE_RENEW_MS: ms,
    BATCHDECK_ENGINE_LEASE_TTL_MS: ms,
    BATCHDECK_ENGINE_KILL_GRACE_MS: ms,
    BATCHDECK_ENGINE_SAMPLE_MS: z.coerce.number().int().min(0).optional(),
    BATCHDECK_ENGINE_AWS_SAMPLE_MS: ms,
    BATCHDECK_ENGINE_LOG_CAP_BYTES: z.coerce.number().int().min(1024).optional(),
    // The Docker API socket of the container runtime ("unix:///run/podman/podman.sock"), or "none".
    BATCHDECK_CONTAINER_HOST: z
      .string()
      .regex(/^(none|unix:\/\/\/.+)$/, 'BATCHDECK_CONTAINER_HOST must be "none" or unix:///path/to/docker.sock')
      .optional(),
    // This machine's name when engines run on several machines; default the hostname.
    BATCHDECK_HOST_ID: z.string().min(1).max(128).optional(),
    // How long a machine whose engines are all silent is given before its jobs are retried elsewhere.
    BATCHDECK_HOST_DEAD_MS: ms,
    // vCPUs handed out per core of this machine across all environments (engine/options.ts).
    BATCHDECK_VCPU_OVERCOMMIT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        try {
          return parseOvercommit(v);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    // Unset: each attempt runs as a uid of its own from BATCHDECK_JOB_UID_RANGE (when root).
    // A name: every job as that user. Empty string: as the engine's own user even when root.
    BATCHDECK_JOB_USER: z.string().optional(),
    BATCHDECK_JOB_UID_RANGE: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return undefined;
        try {
          return parseUidRange(v);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
  })
  .parse(process.env);

const config = env();
const db = createDb(config.DATABASE_URL);
const engine = startEngine({
  db,
  provider: providerOf(config.DATABASE_URL),
  databaseUrl: config.DATABASE_URL,
  dataDir: resolve(config.BATCHDECK_DATA_DIR),
  engineId: engineEnv.BATCHDECK_ENGINE_ID,
  pollMs: engineEnv.BATCHDECK_ENGINE_POLL_MS,
  leaseRenewMs: engineEnv.BATCHDECK_ENGINE_LEASE_RENEW_MS,
  leaseTtlMs: engineEnv.BATCHDECK_ENGINE_LEASE_TTL_MS,
  killGraceMs: engineEnv.BATCHDECK_ENGINE_KILL_GRACE_MS,
  sampleMs: engineEnv.BATCHDECK_ENGINE_SAMPLE_MS,
  awsSampleMs: engineEnv.BATCHDECK_ENGINE_AWS_SAMPLE_MS,
  logCapBytes: engineEnv.BATCHDECK_ENGINE_LOG_CAP_BYTES,
  retentionDefaults: {
    jobDays: config.BATCHDECK_RETENTION_JOB_DAYS,
    logDays: config.BATCHDECK_RETENTION_LOG_DAYS,
  },
  runAsUser: engineEnv.BATCHDECK_JOB_USER === undefined ? undefined : engineEnv.BATCHDECK_JOB_USER || null,
  jobUidRange: engineEnv.BATCHDECK_JOB_UID_RANGE,
  configDir: process.cwd(),
  containerHost: engineEnv.BATCHDECK_CONTAINER_HOST,
  hostId: engineEnv.BATCHDECK_HOST_ID,
  hostDeadMs: engineEnv.BATCHDECK_HOST_DEAD_MS,
  hosted: config.BATCHDECK_HOSTED,
  vcpuOvercommit: engineEnv.BATCHDECK_VCPU_OVERCOMMIT,
});
const log = logger().child({ component: "engine" });
log.info("started; waiting for leadership", { engineId: engine.engineId });

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  log.info("stopping", { engineId: engine.engineId });
  await engine.stop();
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("unhandledRejection", (error) => log.error("unhandled rejection", { error }));
process.on("SIGINT", () => void shutdown());
