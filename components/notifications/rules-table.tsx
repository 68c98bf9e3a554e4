import { deleteRuleAction, setRuleStateAction } from "@/app/(console)/notifications/actions";
import { ActionButton } from "@/components/resources/action-button";
import { Badge } from "@/components/resources/badges";
import { Table } from "@/components/ui/table";
import type { RuleTargetView, RuleWithTargetsView } from "@/lib/automation/event-rules";
import { prettyPattern } from "./pattern";

function TargetLine({ target }: { target: RuleTargetView }) {
  if (target.kind === "WEBHOOK") {
    return (
      <li>
        Webhook <span className="font-medium">{target.resourceName}</span>
      </li>
    );
  }
  const p = target.batchParameters;
  return (
    <li>
      Submit job <span className="font-medium">{p?.jobName ?? "?"}</span> ({p?.jobDefinition ?? "?"}) to queue{" "}
      <span className="font-medium">{target.resourceName}</span>
    </li>
  );
}

/** The organization's rules: pattern, state, targets; enable, disable and delete for managers. */
export function RulesTable({ rules, canManage }: { rules: RuleWithTargetsView[]; canManage: boolean }) {
  return (
    <Table
      label="Rules"
      columns={[
        { header: "Name" },
        { header: "Event pattern" },
        { header: "State" },
        { header: "Targets" },
        canManage && { header: "Actions", hidden: true },
      ]}
      rows={rules}
      rowKey={(r) => r.arn}
      rowClassName="align-top"
      empty={`No rules.${canManage ? " Create one above: it sends matching job state changes to its target." : ""}`}
      renderRow={(r) => {
        const enabled = r.state === "ENABLED";
        return (
          <>
            <td className="py-2 pr-4 font-medium">
              {r.name}
              {r.description ? <div className="text-xs font-normal text-slate-600">{r.description}</div> : null}
            </td>
            <td className="py-2 pr-4">
              <pre className="max-h-64 max-w-md overflow-auto rounded bg-slate-50 p-2 text-xs">
                {prettyPattern(r.eventPattern)}
              </pre>
            </td>
            <td className="py-2 pr-4">
              <Badge value={r.state} />
            </td>
            <td className="py-2 pr-4 text-xs">
              {r.targets.length === 0 ? (
                <span className="text-slate-500">None: matching events go nowhere</span>
              ) : (
                <ul className="space-y-1">
                  {r.targets.map((t) => (
                    <TargetLine key={t.id} target={t} />
                  ))}
                </ul>
              )}
            </td>
            {canManage ? (
              <td className="py-2 text-right">
                <div className="flex flex-wrap items-start justify-end gap-2">
                  <ActionButton
                    action={setRuleStateAction}
                    input={{ name: r.name, state: enabled ? "DISABLED" : "ENABLED" }}
                    label={enabled ? "Disable" : "Enable"}
                    pendingLabel={enabled ? "Disabling…" : "Enabling…"}
                    ariaLabel={`${enabled ? "Disable" : "Enable"} rule ${r.name}`}
                  />
                  <ActionButton
                    action={deleteRuleAction}
                    input={{ name: r.name }}
                    label="Delete"
                    pendingLabel="Deleting…"
                    variant="danger"
                    ariaLabel={`Delete rule ${r.name}`}
                    confirm={`Delete rule ${r.name} and its targets? Deliveries already queued still go out.`}
                  />
                </div>
              </td>
            ) : null}
          </>
        );
      }}
    />
  );
}
