import { deleteEndpointAction, resumeEndpointAction } from "@/app/(console)/notifications/actions";
import { ActionButton } from "@/components/resources/action-button";
import { timeInUtc } from "@/components/schedules/format";
import { Table } from "@/components/ui/table";
import type { ApiDestinationConsoleView } from "@/lib/automation/event-destinations";
import { RotateSecretButton, SendTestEventButton } from "./endpoint-buttons";
import { StateBadge } from "./state-badge";

/** The organization's webhook endpoints (API destinations), with their actions for managers. */
export function EndpointsTable({
  endpoints,
  canManage,
  snippet,
}: {
  endpoints: ApiDestinationConsoleView[];
  canManage: boolean;
  snippet: string;
}) {
  return (
    <Table
      label="Webhook endpoints"
      columns={[
        { header: "Name" },
        { header: "Endpoint" },
        { header: "State" },
        { header: "Used by" },
        { header: "Created" },
        canManage && { header: "Actions", hidden: true },
      ]}
      rows={endpoints}
      rowKey={(d) => d.arn}
      rowClassName="align-top"
      empty={`No webhook endpoints.${canManage ? " Create one above, then a rule that sends to it." : ""}`}
      renderRow={(d) => (
        <>
          <td className="py-2 pr-4 font-medium">{d.name}</td>
          <td className="min-w-48 py-2 pr-4">
            <code className="break-all text-xs">{d.invocationEndpoint}</code>
            {d.connection.authorizationType === "API_KEY" ? null : (
              <div className="text-xs text-slate-500">{d.connection.authorizationType} authorization</div>
            )}
          </td>
          <td className="py-2 pr-4" data-testid={`endpoint-state-${d.name}`}>
            <StateBadge value={d.state} />
            {d.stateReason ? <p className="mt-1 max-w-xs text-xs text-amber-900">{d.stateReason}</p> : null}
          </td>
          <td className="py-2 pr-4 text-xs">
            {d.usedBy.length === 0 ? (
              <span className="text-slate-500">No rule</span>
            ) : (
              [...new Set(d.usedBy.map((u) => u.rule))].join(", ")
            )}
          </td>
          <td className="py-2 pr-4 whitespace-nowrap text-xs">{timeInUtc(d.createdAt)}</td>
          {canManage ? (
            <td className="py-2 text-right">
              <div className="flex max-w-md flex-wrap items-start justify-end gap-2">
                {d.state === "ACTIVE" ? null : (
                  <ActionButton
                    action={resumeEndpointAction}
                    input={{ name: d.name }}
                    label="Resume"
                    pendingLabel="Resuming…"
                    variant="primary"
                    ariaLabel={`Resume ${d.name}`}
                  />
                )}
                <SendTestEventButton name={d.name} />
                <ActionButton
                  action={deleteEndpointAction}
                  input={{ name: d.name }}
                  label="Delete"
                  pendingLabel="Deleting…"
                  variant="danger"
                  ariaLabel={`Delete ${d.name}`}
                  confirm={`Delete webhook endpoint ${d.name}? Its delivery log stays; nothing more is sent to it.`}
                />
                <RotateSecretButton name={d.name} snippet={snippet} />
              </div>
            </td>
          ) : null}
        </>
      )}
    />
  );
}
