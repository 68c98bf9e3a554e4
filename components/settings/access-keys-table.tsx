import { formatAbsolute } from "@/components/lib/format-time";
import { Table } from "@/components/ui/table";
import type { AccessKeySummary } from "@/lib/access-keys/schemas";
import { RevokeAccessKeyButton } from "./access-keys-revoke-button";

const when = (d: Date | null) => (d ? formatAbsolute(d.getTime()) : "—");

export function AccessKeysTable({
  keys,
  showOwner,
  label,
}: {
  keys: AccessKeySummary[];
  showOwner: boolean;
  label: string;
}) {
  return (
    <Table
      label={label}
      columns={[
        { header: "Access key ID" },
        showOwner && { header: "Owner" },
        { header: "Description" },
        { header: "Created (UTC)" },
        { header: "Last used (UTC)" },
        { header: "Status" },
        { header: "Actions", hidden: true },
      ]}
      rows={keys}
      rowKey={(k) => k.accessKeyId}
      empty="No access keys."
      renderRow={(k) => (
        <>
          <td className="py-2 font-mono text-xs">{k.accessKeyId}</td>
          {showOwner ? <td className="py-2">{k.userEmail}</td> : null}
          <td className="py-2">{k.description || "—"}</td>
          <td className="py-2">{when(k.createdAt)}</td>
          <td className="py-2">{when(k.lastUsedAt)}</td>
          <td className="py-2">{k.revokedAt ? `Revoked ${when(k.revokedAt)}` : "Active"}</td>
          <td className="py-2 text-right">
            {k.revokedAt ? null : <RevokeAccessKeyButton accessKeyId={k.accessKeyId} />}
          </td>
        </>
      )}
    />
  );
}
