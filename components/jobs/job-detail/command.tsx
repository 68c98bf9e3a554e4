import { Card } from "@/components/ui/card";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { containerOf } from "./container";

/** An argument vector as a shell would need it typed, for reading (it runs without a shell). */
const shellQuote = (args: string[]) =>
  args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");

/** The command as it runs and the job's own environment variables. */
export function JobCommand({ job }: { job: JobDetail }) {
  const container = containerOf(job);
  return (
    <Card title="Command and environment">
      <p className="mb-1 text-xs text-slate-500">
        As it runs: the definition's command with overrides applied and parameters substituted (no shell).
      </p>
      <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" data-testid="job-command">
        {shellQuote(container.command ?? [])}
      </pre>
      {Object.keys(job.parameters).length ? (
        <p className="mt-2 text-xs text-slate-600">
          Parameters:{" "}
          {Object.entries(job.parameters)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}
        </p>
      ) : null}
      <h3 className="mt-4 mb-1 text-sm font-semibold text-slate-800">Environment</h3>
      {container.environment?.length ? (
        // Name → value pairs, each name the header of its row: not a list table (components/ui/table.tsx).
        <div className="overflow-x-auto">
          <table className="text-left text-sm">
            <tbody>
              {container.environment.map((e) => (
                <tr key={e.name} className="border-t border-slate-100">
                  <th scope="row" className="py-1 pr-4 font-mono text-xs font-medium">
                    {e.name}
                  </th>
                  <td className="py-1 font-mono text-xs break-all">{e.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-slate-600">No variables besides the AWS_BATCH_* ones every job gets.</p>
      )}
    </Card>
  );
}
