"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { addMember } from "@/lib/members/add-member";
import { changeMemberRole } from "@/lib/members/change-member-role";
import { revokeInvitation } from "@/lib/members/invitations";
import { removeMember } from "@/lib/members/remove-member";
import { addMemberInput, changeRoleInput, removeMemberInput, revokeInvitationInput } from "@/lib/members/schemas";

const refresh = <T>(value: T): T => {
  revalidatePath("/settings/members");
  return value;
};

export const addMemberAction = orgAction({
  name: "members.add",
  permission: "members.manage",
  input: addMemberInput,
  run: async (ctx, input) => refresh(await addMember(ctx, input)),
});

export const changeMemberRoleAction = orgAction({
  name: "members.changeRole",
  permission: "members.manage",
  input: changeRoleInput,
  run: async (ctx, input) => refresh(await changeMemberRole(ctx, input)),
});

export const removeMemberAction = orgAction({
  name: "members.remove",
  permission: "members.manage",
  input: removeMemberInput,
  run: async (ctx, input) => refresh(await removeMember(ctx, input)),
});

export const revokeInvitationAction = orgAction({
  name: "members.revokeInvitation",
  permission: "members.manage",
  input: revokeInvitationInput,
  run: async (ctx, input) => refresh(await revokeInvitation(ctx, input)),
});
