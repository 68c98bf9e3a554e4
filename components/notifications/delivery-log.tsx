"use client";

import { Fragment, useState } from "react";
import { timeInUtc } from "@/components/schedules/format";
import type { DeliveryView } from "@/lib/automation/destination-state";
import { StateBadge } from "./state-badge";

// The organization's latest deliveries, newest first; each row opens to its attempts in a row of
// its own beneath it. A table of its own rather than components/ui/table.tsx: that one has one
// row per item.

const COLUMNS = ["Time", "Rule", "Endpoint", "Status", "Attempts", "Last result", "Next attempt"];

function LastResult({ d }: { d: DeliveryView }) {
  if (d.attempts === 0 && d.lastError === null) return <span className="text-slate-500">Not tried yet</span>;
  return (
    <>
      {d.lastStatusCode !== null ? <span className="whitespace-nowrap font-mono">HTTP {d.lastStatusCode}</span> : null}
      {d.lastError ? <div className="max-w-xs break-words text-red-700">{d.lastError}</div> : null}
    </>
  );
}

function AttemptsTable({ d }: { d: DeliveryView }) {
  return (
    <table className="w-full text-left" aria-label={`Attempts of delivery ${d.eventId}`}>
      <thead className="text-slate-500">
        <tr>
          {["Time", "Status code", "Error", "Duration"].map((h) => (
            <th key={h} scope="col" className="pb-1 pr-4 font-medium">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {d.log.map((a, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: attempts are fixed by their order
          <tr key={i}>
            <td className="pr-4 whitespace-nowrap">{timeInUtc(a.at)}</td>
            <td className="pr-4 font-mono">{a.statusCode ?? "—"}</td>
            <td className="break-words pr-4">{a.error ?? "—"}</td>
            <td className="whitespace-nowrap">{a.durationMs} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DeliveryLog({ deliveries }: { deliveries: DeliveryView[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  if (deliveries.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No deliveries yet: they appear here when a rule&apos;s pattern matches a job state change, or when you send a
        test event.
      </p>
    );
  }
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full text-left text-xs" aria-label="Deliveries">
        <thead className="uppercase tracking-wide text-slate-500">
          <tr>
            {COLUMNS.map((h) => (
              <th
                key={h}
                scope="col"
                className={h === "Attempts" ? "pb-2 pr-4 text-right font-medium" : "pb-2 pr-4 font-medium"}
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {deliveries.map((d) => {
            const expanded = open.has(d.id);
            return (
              <Fragment key={d.id}>
                <tr className="align-top" data-event-id={d.eventId}>
                  <td className="py-2 pr-4 whitespace-nowrap">{timeInUtc(d.createdAt)}</td>
                  <td className="py-2 pr-4">{d.test ? <span className="italic">Test event</span> : d.ruleName}</td>
                  <td className="py-2 pr-4">{d.endpointName}</td>
                  <td className="py-2 pr-4">
                    <StateBadge value={d.status} />
                  </td>
                  <td className="py-2 pr-4 text-right whitespace-nowrap">
                    {d.log.length === 0 ? (
                      d.attempts
                    ) : (
                      <button
                        type="button"
                        className="text-indigo-700 hover:underline"
                        aria-expanded={expanded}
                        onClick={() => toggle(d.id)}
                      >
                        {expanded ? "▾" : "▸"} {d.log.length} attempt{d.log.length === 1 ? "" : "s"}
                      </button>
                    )}
                  </td>
                  <td className="py-2 pr-4">
                    <LastResult d={d} />
                  </td>
                  <td className="py-2 pr-4 whitespace-nowrap">
                    {d.nextAttemptAt === null ? <span className="text-slate-500">—</span> : timeInUtc(d.nextAttemptAt)}
                  </td>
                </tr>
                {expanded ? (
                  <tr>
                    <td colSpan={COLUMNS.length} className="bg-slate-50 px-4 py-2">
                      <AttemptsTable d={d} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
