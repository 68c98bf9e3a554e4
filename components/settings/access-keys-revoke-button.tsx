"use client";

import { useState, useTransition } from "react";
import { revokeAccessKeyAction } from "@/app/(console)/settings/access-keys/actions";
import { Button } from "@/components/ui/button";

export function RevokeAccessKeyButton({ accessKeyId }: { accessKeyId: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
      <Button
        variant="danger"
        disabled={pending}
        aria-label={`Revoke access key ${accessKeyId}`}
        onClick={() => {
          if (!window.confirm(`Revoke ${accessKeyId}? Requests signed with it will be refused at once.`)) return;
          start(async () => {
            const result = await revokeAccessKeyAction({ accessKeyId });
            setError(result.ok ? null : result.error);
          });
        }}
      >
        Revoke
      </Button>
    </span>
  );
}
