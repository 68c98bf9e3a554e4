import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, can, type Permission, ROLES, type Role } from "./permissions";

// DESIGN.md's role table, restated independently of PERMISSIONS so that a change to either
// one without the other fails here.
const EXPECTED: Record<Permission, Role[]> = {
  "resources.view": ["admin", "developer", "submitter"],
  "jobs.submit": ["admin", "developer", "submitter"],
  "jobs.stopOwn": ["admin", "developer", "submitter"],
  "accessKeys.manageOwn": ["admin", "developer", "submitter"],
  "jobs.stopAny": ["admin", "developer"],
  "jobDefinitions.manage": ["admin", "developer"],
  "schedules.manage": ["admin", "developer"],
  // Not a row of DESIGN.md's table: secrets are managed by those who manage job definitions.
  "secrets.manage": ["admin", "developer"],
  // Not a row of DESIGN.md's table either: job definitions and submissions name consumable
  // resources, so those who manage job definitions manage them.
  "consumableResources.manage": ["admin", "developer"],
  "computeEnvironments.manage": ["admin"],
  "jobQueues.manage": ["admin"],
  "schedulingPolicies.manage": ["admin"],
  "members.manage": ["admin"],
  "backend.manage": ["admin"],
  "retention.manage": ["admin"],
  // Issue 16: single sign-on decides who gets in, as members and backend settings do.
  "sso.manage": ["admin"],
  "audit.view": ["admin"],
  // Issue 16: usage is read by those who run and pay for the work; quotas by admins.
  "usage.view": ["admin", "developer"],
  "quotas.view": ["admin"],
  "accessKeys.revokeAny": ["admin"],
};

describe("role → permission table", () => {
  it("covers exactly the permissions the code defines", () => {
    expect([...ALL_PERMISSIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const permission of Object.keys(EXPECTED) as Permission[]) {
    for (const role of ROLES) {
      const allowed = EXPECTED[permission].includes(role);
      it(`${role} ${allowed ? "may" : "may not"} ${permission}`, () => {
        expect(can(role, permission)).toBe(allowed);
      });
    }
  }
});
