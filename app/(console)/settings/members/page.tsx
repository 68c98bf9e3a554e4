import type { Metadata } from "next";
import { AddMemberForm } from "@/components/settings/add-member-form";
import { MemberRow } from "@/components/settings/member-row";
import { RevokeInvitationButton } from "@/components/settings/revoke-invitation-button";
import { Card } from "@/components/ui/card";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { listMembers } from "@/lib/members/list-members";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const ctx = await pageContext();
  const { members, invitations } = await listMembers(ctx);
  const canManage = can(ctx.role, "members.manage");
  return (
    <div className="space-y-6">
      {canManage ? (
        <Card title="Add a member">
          <AddMemberForm />
        </Card>
      ) : null}
      <Card title={`Members (${members.length})`}>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="pb-2 font-medium">Member</th>
                <th className="pb-2 font-medium">Role</th>
                <th className="pb-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <MemberRow
                  key={m.membershipId}
                  membershipId={m.membershipId}
                  email={m.email}
                  name={m.name}
                  role={m.role}
                  isSelf={m.userId === ctx.user.id}
                  canManage={canManage}
                />
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {canManage && invitations.length > 0 ? (
        <Card title="Pending invitations">
          <ul className="divide-y divide-slate-100 text-sm">
            {invitations.map((i) => (
              <li key={i.id} className="flex items-center justify-between py-2">
                <span>
                  {i.email} · {ROLE_LABELS[i.role]} · expires {i.expiresAt.toISOString().slice(0, 10)}
                </span>
                <RevokeInvitationButton invitationId={i.id} email={i.email} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
