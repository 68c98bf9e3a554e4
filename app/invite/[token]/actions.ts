"use server";

import { publicAction } from "@/lib/auth/public-action";
import { currentSession } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { acceptInvitation, acceptInvitationAsUser, acceptInvitationInput } from "@/lib/members/accept-invitation";

export const acceptInvitationAction = publicAction({
  name: "acceptInvitation",
  input: acceptInvitationInput,
  run: async (ctx, input) => {
    if (input.account === "new") return ctx.startSession(await acceptInvitation(ctx.db, input));
    // An existing account accepts as whoever the session says; a fresh session in the
    // organization just joined replaces the one it came with.
    const session = await currentSession();
    if (!session) throw new AppError("UNAUTHENTICATED", "Sign in to accept this invitation.");
    const signedIn = await ctx.startSession(
      await acceptInvitationAsUser(ctx.db, { token: input.token, user: session.user }),
    );
    await ctx.db.session.deleteMany({ where: { id: session.sessionId } });
    return signedIn;
  },
});
