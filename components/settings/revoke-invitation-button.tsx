"use client";

import { useTransition } from "react";
import { revokeInvitationAction } from "@/app/(console)/settings/members/actions";
import { Button } from "@/components/ui/button";

export function RevokeInvitationButton({ invitationId, email }: { invitationId: string; email: string }) {
  const [pending, start] = useTransition();
  return (
    <Button
      variant="ghost"
      disabled={pending}
      aria-label={`Revoke invitation for ${email}`}
      onClick={() => start(async () => void (await revokeInvitationAction({ invitationId })))}
    >
      Revoke
    </Button>
  );
}
