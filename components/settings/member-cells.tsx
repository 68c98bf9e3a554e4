"use client";

import { useState, useTransition } from "react";
import { changeMemberRoleAction, removeMemberAction } from "@/app/(console)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/permissions";

/** A member's cells in the members table: who, their role (a select for admins) and removal. */
export function MemberCells({
  membershipId,
  email,
  name,
  role,
  isSelf,
  canManage,
}: {
  membershipId: string;
  email: string;
  name: string;
  role: Role;
  isSelf: boolean;
  canManage: boolean;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [asking, setAsking] = useState(false);

  const changeRole = (next: string) =>
    start(async () => {
      const result = await changeMemberRoleAction({ membershipId, role: next as Role });
      setError(result.ok ? null : result.error);
    });

  const remove = () => {
    start(async () => {
      const result = await removeMemberAction({ membershipId });
      setError(result.ok ? null : result.error);
      setAsking(false);
    });
  };

  return (
    <>
      <td className="py-2 pr-4">
        <div className="font-medium text-slate-800">{name}</div>
        <div className="text-slate-500">
          {email}
          {isSelf ? " (you)" : ""}
        </div>
        {error ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </td>
      <td className="py-2 pr-4">
        {canManage ? (
          <select
            aria-label={`Role of ${email}`}
            value={role}
            disabled={pending}
            onChange={(e) => changeRole(e.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        ) : (
          ROLE_LABELS[role]
        )}
      </td>
      <td className="py-2 text-right">
        {canManage ? (
          <>
            <Button variant="danger" disabled={pending} onClick={() => setAsking(true)} aria-label={`Remove ${email}`}>
              Remove
            </Button>
            <ConfirmDialog
              open={asking}
              title={`Remove ${email} from this organization?`}
              confirmLabel="Remove"
              pending={pending}
              onClose={() => setAsking(false)}
              onConfirm={remove}
            >
              <p className="text-left text-sm text-slate-700">Their sessions and access keys stop working.</p>
            </ConfirmDialog>
          </>
        ) : null}
      </td>
    </>
  );
}
