import type { OrgContext } from "@/lib/auth/context";
import type { Role } from "@/lib/auth/permissions";

export interface MemberRow {
  membershipId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: Date;
}

export async function listMembers(
  ctx: OrgContext,
): Promise<{ members: MemberRow[]; invitations: PendingInvitation[] }> {
  const [memberships, invitations] = await Promise.all([
    ctx.db.membership.findMany({
      where: { organizationId: ctx.organizationId },
      select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    ctx.db.invitation.findMany({
      where: { organizationId: ctx.organizationId, acceptedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true, email: true, role: true, expiresAt: true },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  return {
    members: memberships.map((m) => ({
      membershipId: m.id,
      userId: m.user.id,
      email: m.user.email,
      name: m.user.name,
      role: m.role as Role,
      joinedAt: m.createdAt,
    })),
    invitations: invitations.map((i) => ({ ...i, role: i.role as Role })),
  };
}
