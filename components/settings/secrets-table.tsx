"use client";

import { useState } from "react";
import { formatAbsolute } from "@/components/lib/format-time";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Table } from "@/components/ui/table";
import type { OrgSecretSummary } from "@/lib/org-secrets/schemas";
import { SecretDeleteDialog } from "./secrets-delete-dialog";
import { SecretReplaceDialog } from "./secrets-replace-dialog";

const when = (d: Date) => formatAbsolute(d.getTime());

type Target = { kind: "replace" | "delete"; secret: OrgSecretSummary } | null;

export function SecretsTable({
  secrets,
  canManage,
  arnPrefix,
}: {
  secrets: OrgSecretSummary[];
  canManage: boolean;
  /** The organization's Secrets Manager ARN up to the name, shown so it can be copied into valueFrom. */
  arnPrefix: string;
}) {
  // One dialog at a time, rendered only while open (the dialog's heading id is not per row).
  const [target, setTarget] = useState<Target>(null);
  const [done, setDone] = useState<string | null>(null);
  const close = () => setTarget(null);
  const finish = (message: string) => {
    setTarget(null);
    setDone(message);
  };
  const notice = done ? <Alert tone="success">{done}</Alert> : null;
  return (
    <div className="space-y-3">
      {notice}
      <Table
        label="Secrets"
        columns={[
          { header: "Name" },
          { header: "Description" },
          { header: "Updated (UTC)" },
          { header: "Updated by" },
          canManage && { header: "Actions", hidden: true },
        ]}
        rows={secrets}
        rowKey={(s) => s.name}
        rowClassName="align-top"
        empty="No secrets yet."
        renderRow={(s) => (
          <>
            <td className="py-2 pr-4">
              <div className="font-mono text-xs text-slate-900">{s.name}</div>
              <div className="select-all break-all font-mono text-[11px] text-slate-500">
                {arnPrefix}
                {s.name}
              </div>
            </td>
            <td className="py-2 pr-4">{s.description || "—"}</td>
            <td className="py-2 pr-4 whitespace-nowrap">{when(s.updatedAt)}</td>
            <td className="py-2 pr-4">{s.updatedByEmail ?? "—"}</td>
            {canManage ? (
              <td className="py-2 text-right whitespace-nowrap">
                <span className="inline-flex gap-2">
                  <Button
                    variant="secondary"
                    aria-label={`Replace the value of ${s.name}`}
                    onClick={() => {
                      setDone(null);
                      setTarget({ kind: "replace", secret: s });
                    }}
                  >
                    Replace value
                  </Button>
                  <Button
                    variant="danger"
                    aria-label={`Delete secret ${s.name}`}
                    onClick={() => {
                      setDone(null);
                      setTarget({ kind: "delete", secret: s });
                    }}
                  >
                    Delete
                  </Button>
                </span>
              </td>
            ) : null}
          </>
        )}
      />
      {target?.kind === "replace" ? (
        <SecretReplaceDialog
          secret={target.secret}
          onClose={close}
          onDone={() => finish(`Replaced the value of ${target.secret.name}. Jobs that start from now on receive it.`)}
        />
      ) : null}
      {target?.kind === "delete" ? (
        <SecretDeleteDialog
          name={target.secret.name}
          onClose={close}
          onDone={() => finish(`Deleted secret ${target.secret.name}.`)}
        />
      ) : null}
    </div>
  );
}
