// Configuration is read once, through one zod schema, so a bad value stops the process at boot
// with a message that names the variable instead of surfacing later as a confusing failure.
import { z } from "zod";
import { providerOf } from "@/lib/db/provider";
import { issuerProblem } from "@/lib/sso/issuer-url";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    message: "expected true or false",
  })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .default("file:./data/batchdeck.db")
    .refine((u) => u.startsWith("file:") || providerOf(u) === "postgresql", {
      message: "must be a file: URL (SQLite) or a postgres:// URL",
    }),
  BATCHDECK_DATA_DIR: z.string().min(1).default("./data"),
  BATCHDECK_ADMIN_EMAIL: z.email().default("admin@batchdeck.local"),
  BATCHDECK_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  BATCHDECK_SIGNUP: bool.default(false),
  BATCHDECK_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  // Wrong passwords one client address may try in 15 minutes (every account together), on top of
  // the per-account lockout; past it, sign-in from that address is refused until the window ends.
  BATCHDECK_SIGNIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  // How many reverse proxies in front of the web server append to X-Forwarded-For. 0: the client
  // is the TCP peer; 1: the address the one proxy saw, and so on. Addresses a client puts in the
  // header itself are never trusted beyond these hops.
  BATCHDECK_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  // Requests one web server lets wait per lane before it answers 503 with Retry-After; unset,
  // server/turn-pump.ts's QUEUE_LIMIT (why that figure is there).
  BATCHDECK_WEB_QUEUE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).optional(),
  // Key for secrets at rest (access-key secrets, AWS credentials): 32 bytes, base64 or hex.
  // Unset on a laptop, one is generated into the data directory on first run.
  BATCHDECK_SECRET_KEY: z.string().optional(),
  // Comma-separated older keys, still accepted for decrypting values sealed before a rotation.
  BATCHDECK_SECRET_KEY_PREVIOUS: z.string().optional(),
  // Headless setups: an access key created for the first admin on first run (both or neither).
  BATCHDECK_ADMIN_ACCESS_KEY_ID: z
    .string()
    .regex(/^[A-Z0-9]{16,128}$/, "must be 16 to 128 upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE")
    .optional(),
  BATCHDECK_ADMIN_SECRET_ACCESS_KEY: z.string().min(16, "must be at least 16 characters").max(128).optional(),
  BATCHDECK_AWS_REGION: z.string().default("us-east-1"),
  // A hosted, multi-tenant install: organizations may not use the server's own AWS credentials.
  BATCHDECK_HOSTED: bool.default(false),
  // Headless self-hosted setups: "aws" puts the first organization on AWS Batch at first run,
  // with region, credentials and endpoints from the AWS SDK's standard environment.
  BATCHDECK_DEFAULT_BACKEND: z.enum(["builtin", "aws"], { message: "expected builtin or aws" }).default("builtin"),
  // Log lines (lib/log.ts): json or text; unset, json when NODE_ENV=production or stdout is not a
  // terminal. Read by the logger itself; listed here so a bad value stops the process at boot.
  BATCHDECK_LOG_FORMAT: z.enum(["json", "text"], { message: "expected json or text" }).optional(),
  BATCHDECK_LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error"], { message: "expected debug, info, warn or error" })
    .optional(),
  // Bearer token for GET /api/metrics (Prometheus); unset, the endpoint answers 404.
  BATCHDECK_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").max(1024).optional(),
  // Retention defaults for organizations that have not chosen (Settings → Retention); 0 keeps forever.
  BATCHDECK_RETENTION_JOB_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  BATCHDECK_RETENTION_LOG_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  // Quotas of every organization the operator has not given its own (lib/quotas/); 0: unlimited.
  BATCHDECK_QUOTA_RUNNING_VCPUS: z.coerce.number().int().min(0).max(1_000_000).default(0),
  BATCHDECK_QUOTA_WAITING_JOBS: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  BATCHDECK_QUOTA_ARRAY_SIZE: z.coerce.number().int().min(0).max(10_000).default(0),
  BATCHDECK_QUOTA_SUBMIT_RATE: z.coerce.number().min(0).max(1_000_000).default(0),
  // The bucket's size; 0: one second's worth of the rate (at least 1).
  BATCHDECK_QUOTA_SUBMIT_BURST: z.coerce.number().int().min(0).max(1_000_000).default(0),
  BATCHDECK_QUOTA_LOG_BYTES: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  // The address browsers reach Batchdeck at (https://batch.example.com), for the single sign-on
  // redirect URI <public URL>/sso/callback; unset, it is taken from each request.
  BATCHDECK_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  // The install-wide OpenID Connect provider (lib/sso/): all three or none. It signs existing
  // accounts in by their verified email; it never creates users. LABEL is the login button's text.
  BATCHDECK_OIDC_ISSUER: z.string().max(2000).optional(),
  BATCHDECK_OIDC_CLIENT_ID: z.string().max(1000).optional(),
  BATCHDECK_OIDC_CLIENT_SECRET: z.string().max(4000).optional(),
  BATCHDECK_OIDC_LABEL: z.string().min(1).max(100).default("Single sign-on"),
});

const OIDC_SETTINGS = ["BATCHDECK_OIDC_ISSUER", "BATCHDECK_OIDC_CLIENT_ID", "BATCHDECK_OIDC_CLIENT_SECRET"] as const;

const checked = schema.superRefine((config, ctx) => {
  const set = OIDC_SETTINGS.filter((name) => config[name] !== undefined);
  if (set.length > 0 && set.length < OIDC_SETTINGS.length) {
    const missing = OIDC_SETTINGS.filter((name) => config[name] === undefined);
    ctx.addIssue({
      code: "custom",
      path: [missing[0] ?? ""],
      message: `set all of ${OIDC_SETTINGS.join(", ")} or none`,
    });
  }
  if (config.BATCHDECK_OIDC_ISSUER !== undefined) {
    const problem = issuerProblem(config.BATCHDECK_OIDC_ISSUER, config.BATCHDECK_HOSTED);
    if (problem) ctx.addIssue({ code: "custom", path: ["BATCHDECK_OIDC_ISSUER"], message: problem });
  }
});

export type Env = z.infer<typeof checked>;

export class ConfigError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = checked.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
