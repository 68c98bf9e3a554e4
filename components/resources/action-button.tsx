"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/operation";

/**
 * A button that runs one server action with a fixed input: enable, disable, delete,
 * deregister. With `confirm` it asks first. The server's answer (AWS's rule and message when
 * it refuses) is shown beside the button; on success the page re-reads its data.
 */
export function ActionButton<I>({
  action,
  input,
  label,
  pendingLabel,
  confirm,
  variant = "secondary",
  ariaLabel,
}: {
  action: (input: I) => Promise<ActionResult<unknown>>;
  input: I;
  label: string;
  pendingLabel: string;
  confirm?: string;
  variant?: "primary" | "secondary" | "danger" | "ghost";
  ariaLabel?: string;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-2">
      {error ? (
        <span role="alert" className="max-w-md text-left text-xs text-red-700">
          {error}
        </span>
      ) : null}
      <Button
        variant={variant}
        disabled={pending}
        aria-label={ariaLabel}
        onClick={() => {
          if (confirm && !window.confirm(confirm)) return;
          start(async () => {
            const result = await action(input);
            setError(result.ok ? null : result.error);
            if (result.ok) router.refresh();
          });
        }}
      >
        {pending ? pendingLabel : label}
      </Button>
    </span>
  );
}
