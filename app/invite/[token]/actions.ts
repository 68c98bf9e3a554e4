"use server";

import { publicAction } from "@/lib/auth/public-action";
import { acceptInvitation, acceptInvitationInput } from "@/lib/members/invitations";

export const acceptInvitationAction = publicAction({
  name: "acceptInvitation",
  input: acceptInvitationInput,
  run: async (ctx, input) => ctx.startSession(await acceptInvitation(ctx.db, input)),
});
