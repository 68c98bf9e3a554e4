import type { AccessKeySummary } from "@/lib/access-keys/schemas";
import { RevokeAccessKeyButton } from "./access-keys-revoke-button";

const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) : "—");

export function AccessKeysTable({
  keys,
  showOwner,
  label,
}: {
  keys: AccessKeySummary[];
  showOwner: boolean;
  label: string;
}) {
  if (keys.length === 0) return <p className="text-sm text-slate-500">No access keys.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="pb-2 font-medium">Access key ID</th>
            {showOwner ? <th className="pb-2 font-medium">Owner</th> : null}
            <th className="pb-2 font-medium">Description</th>
            <th className="pb-2 font-medium">Created (UTC)</th>
            <th className="pb-2 font-medium">Last used (UTC)</th>
            <th className="pb-2 font-medium">Status</th>
            <th className="pb-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.map((k) => (
            <tr key={k.accessKeyId}>
              <td className="py-2 font-mono text-xs">{k.accessKeyId}</td>
              {showOwner ? <td className="py-2">{k.userEmail}</td> : null}
              <td className="py-2">{k.description || "—"}</td>
              <td className="py-2">{when(k.createdAt)}</td>
              <td className="py-2">{when(k.lastUsedAt)}</td>
              <td className="py-2">{k.revokedAt ? `Revoked ${when(k.revokedAt)}` : "Active"}</td>
              <td className="py-2 text-right">
                {k.revokedAt ? null : <RevokeAccessKeyButton accessKeyId={k.accessKeyId} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
