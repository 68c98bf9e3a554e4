import type { Metadata } from "next";
import { formatDay } from "@/components/lib/format-time";
import { AddMemberForm } from "@/components/settings/add-member-form";
import { MemberCells } from "@/components/settings/member-cells";
import { RevokeInvitationButton } from "@/components/settings/revoke-invitation-button";
import { RoleDescriptions } from "@/components/settings/role-descriptions";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
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
        <Table
          label="Members"
          columns={[{ header: "Member" }, { header: "Role" }, { header: "Actions", hidden: true }]}
          rows={members}
          rowKey={(m) => m.membershipId}
          rowClassName="align-top"
          ruledHeader
          renderRow={(m) => (
            <MemberCells
              membershipId={m.membershipId}
              email={m.email}
              name={m.name}
              role={m.role}
              isSelf={m.userId === ctx.user.id}
              canManage={canManage}
            />
          )}
        />
      </Card>
      {canManage && invitations.length > 0 ? (
        <Card title="Pending invitations">
          <ul className="divide-y divide-slate-100 text-sm">
            {invitations.map((i) => (
              <li key={i.id} className="flex items-center justify-between py-2">
                <span>
                  {i.email} · {ROLE_LABELS[i.role]} · expires {formatDay(i.expiresAt.getTime())}
                </span>
                <RevokeInvitationButton invitationId={i.id} email={i.email} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <Card title="Roles">
        <RoleDescriptions />
      </Card>
    </div>
  );
}
