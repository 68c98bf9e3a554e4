import { ALL_PERMISSIONS, can, type Permission, ROLE_LABELS, ROLES, type Role } from "@/lib/auth/permissions";

// What each role may do, read from the permission table itself (lib/auth/permissions.ts), so the
// members page cannot drift from what the server enforces: a new permission fails the type check
// here until it has its sentence.
const SAYS: Record<Permission, string> = {
  "resources.view": "see queues, environments, definitions, jobs and their logs",
  "jobs.submit": "submit jobs",
  "jobs.stopOwn": "cancel and terminate their own jobs",
  "accessKeys.manageOwn": "create and revoke their own access keys",
  "jobs.stopAny": "cancel and terminate anyone's jobs",
  "jobDefinitions.manage": "register and deregister job definitions",
  "schedules.manage": "create, change and delete job schedules",
  "secrets.manage": "add, replace and delete secrets",
  "consumableResources.manage": "declare and adjust consumable resources",
  "usage.view": "see the Usage page",
  "computeEnvironments.manage": "create, change and delete compute environments",
  "jobQueues.manage": "create, change and delete job queues",
  "schedulingPolicies.manage": "create, change and delete scheduling policies",
  "members.manage": "invite and remove members and change their roles",
  "backend.manage": "choose the backend (built-in engine or AWS)",
  "retention.manage": "set how long finished jobs and logs are kept",
  "sso.manage": "set up single sign-on",
  "audit.view": "read the audit log",
  "quotas.view": "see the organization's quotas",
  "accessKeys.revokeAny": "revoke anyone's access keys",
};

const permissionsOf = (role: Role) => ALL_PERMISSIONS.filter((p) => can(role, p));

/** The largest other role whose every permission this one has too: "everything a Developer may, and". */
function includedRole(role: Role): Role | null {
  const mine = permissionsOf(role);
  let best: Role | null = null;
  for (const other of ROLES) {
    const theirs = permissionsOf(other);
    if (other === role || theirs.length >= mine.length || !theirs.every((p) => mine.includes(p))) continue;
    if (!best || theirs.length > permissionsOf(best).length) best = other;
  }
  return best;
}

export function RoleDescriptions() {
  return (
    <dl className="space-y-3 text-sm">
      {ROLES.map((role) => {
        const base = includedRole(role);
        const own = permissionsOf(role).filter((p) => !base || !can(base, p));
        const sentence = own.map((p) => SAYS[p]).join("; ");
        return (
          <div key={role} data-role={role}>
            <dt className="font-medium text-slate-900">{ROLE_LABELS[role]}</dt>
            <dd className="text-slate-700">
              {base ? `Everything a ${ROLE_LABELS[base]} may, and: ` : "May "}
              {sentence}.
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
