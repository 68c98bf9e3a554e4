"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/**
 * A signing secret, shown the one time the server returns it (an endpoint created, its secret
 * rotated), with a copy button and how a receiver checks a delivery with it. Nothing keeps it:
 * once this component is gone, so is the secret.
 */
export function SigningSecret({ name, secret, snippet }: { name: string; secret: string; snippet: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = () => {
    navigator.clipboard
      ?.writeText(secret)
      .then(() => setCopied("yes"))
      .catch(() => setCopied("no"));
    if (!navigator.clipboard) setCopied("no");
  };
  return (
    <Alert tone="success">
      <p className="font-medium">
        Signing secret of {name}: copy it now. It is shown only this once and cannot be read again; rotate it to get a
        new one.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="signing-secret"
          className="select-all break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-800 ring-1 ring-emerald-200"
        >
          {secret}
        </code>
        <Button variant="secondary" onClick={copy}>
          Copy
        </Button>
        {copied ? (
          <output className="text-xs">{copied === "yes" ? "Copied." : "Select the secret and copy it."}</output>
        ) : null}
      </div>
      <p className="mt-3 text-xs">
        Every delivery is signed with it: check the signature before trusting the body. In Node:
      </p>
      <pre className="mt-1 overflow-x-auto rounded bg-white p-2 text-xs text-slate-800 ring-1 ring-emerald-200">
        {snippet}
      </pre>
    </Alert>
  );
}
