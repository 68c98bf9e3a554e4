// DESIGN.md's role table, written once. Every server action and route handler names the
// permission it needs; nothing compares role strings anywhere else.
export const ROLES = ["admin", "developer", "submitter"] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const MANAGERS: readonly Role[] = ["admin", "developer"];
const ADMIN: readonly Role[] = ["admin"];

export const PERMISSIONS = {
  /** See dashboards, queues, environments, definitions, jobs and logs. */
  "resources.view": ALL,
  "jobs.submit": ALL,
  "jobs.stopOwn": ALL,
  "accessKeys.manageOwn": ALL,
  "jobs.stopAny": MANAGERS,
  "jobDefinitions.manage": MANAGERS,
  "schedules.manage": MANAGERS,
  /**
   * Settings → Secrets: add, replace and delete the values job definitions' `secrets` name.
   * Those who register job definitions decide what a job receives; every member sees the names.
   */
  "secrets.manage": MANAGERS,
  /**
   * Consumable resources (licence seats and the like): job definitions and submissions name
   * them, so those who register job definitions declare and adjust them; every member sees them.
   */
  "consumableResources.manage": MANAGERS,
  "computeEnvironments.manage": ADMIN,
  "jobQueues.manage": ADMIN,
  "schedulingPolicies.manage": ADMIN,
  "members.manage": ADMIN,
  "backend.manage": ADMIN,
  /** Settings → Retention: how long finished jobs and their logs are kept. */
  "retention.manage": ADMIN,
  /** Settings → Single sign-on: the organization's OpenID provider and whether it is required. */
  "sso.manage": ADMIN,
  "audit.view": ADMIN,
  /**
   * The Usage page: vCPU, memory and GPU time by day, queue, definition, share and submitter.
   * Those who run the organization's work and pay for it.
   */
  "usage.view": MANAGERS,
  /** Settings → Quotas: the organization's quotas (set by the install's operator) and usage. */
  "quotas.view": ADMIN,
  "accessKeys.revokeAny": ADMIN,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  developer: "Developer",
  submitter: "Submitter",
};
