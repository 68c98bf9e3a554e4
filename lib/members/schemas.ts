import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long")
  .pipe(z.email("Enter a valid email address"));

export const roleSchema = z.enum(ROLES, { message: "Role must be admin, developer or submitter" });

export const addMemberInput = z.object({ email: emailSchema, role: roleSchema });
export const changeRoleInput = z.object({ membershipId: z.string().min(1).max(100), role: roleSchema });
export const removeMemberInput = z.object({ membershipId: z.string().min(1).max(100) });
export const revokeInvitationInput = z.object({ invitationId: z.string().min(1).max(100) });
