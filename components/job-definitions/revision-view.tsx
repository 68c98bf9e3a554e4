import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/resources/badges";
import { Card } from "@/components/ui/card";
import { durationText, revisionFacts } from "@/lib/console/job-definition-revisions";
import { submitWithRevisionHref } from "@/lib/console/links";

const button =
  "inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50";

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{term}</dt>
      <dd className="mt-0.5 break-words text-sm text-slate-900">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-500">none</span>;

function Pairs({ pairs }: { pairs: [string, string][] }) {
  if (pairs.length === 0) return none;
  return (
    <ul className="space-y-0.5 font-mono text-xs">
      {pairs.map(([k, v]) => (
        <li key={k}>
          {k}={v}
        </li>
      ))}
    </ul>
  );
}

/**
 * One revision whole: its key facts in words, then its JSON as DescribeJobDefinitions gives it,
 * with "Submit with this revision" (an active revision; AWS takes no job for a deregistered one)
 * and "Edit as a new revision".
 */
export function RevisionView({
  name,
  definition,
  latest,
  canSubmit,
  canManage,
}: {
  name: string;
  definition: Record<string, unknown>;
  latest: number;
  canSubmit: boolean;
  canManage: boolean;
}) {
  const revision = Number(definition.revision);
  const ref = `${name}:${revision}`;
  const f = revisionFacts(definition);
  const active = definition.status === "ACTIVE";
  const resources = [f.vcpus && `${f.vcpus} vCPU`, f.memoryMiB && `${f.memoryMiB} MiB`, f.gpus && `${f.gpus} GPU`]
    .filter(Boolean)
    .join(", ");
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Revision {revision}
          {revision === latest ? <span className="text-xs font-normal text-slate-500">(latest)</span> : null}
          <Badge value={String(definition.status)} />
        </span>
      }
      className="mt-4"
    >
      <section aria-label={`Revision ${revision}`} data-testid="revision-view">
        <div className="mb-4 flex flex-wrap gap-2">
          {canSubmit && active ? (
            <Link
              href={submitWithRevisionHref(name, revision)}
              className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
            >
              Submit with this revision
            </Link>
          ) : null}
          {canManage ? (
            <Link href={`/job-definitions/new?from=${encodeURIComponent(ref)}`} className={button}>
              Edit as a new revision
            </Link>
          ) : null}
          {!active ? (
            <p className="text-sm text-slate-600">Deregistered: no new job can be submitted with this revision.</p>
          ) : null}
        </div>
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <Fact term="Image">
            <span className="font-mono text-xs">{f.image ?? "—"}</span>
            {f.kind ? <span className="text-slate-500"> ({f.kind})</span> : null}
          </Fact>
          <Fact term="Command">
            <span className="font-mono text-xs">{f.command.length ? JSON.stringify(f.command) : "—"}</span>
          </Fact>
          <Fact term="vCPU and memory">{resources || "—"}</Fact>
          <Fact term="Retries">
            {f.attempts === 1 ? "1 attempt (no retries)" : `${f.attempts} attempts`}
            {f.exitRules.length ? (
              <ul className="mt-1 space-y-0.5 text-xs">
                {f.exitRules.map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rules are positional (the first match wins)
                  <li key={i}>
                    {r.action} on {r.matches}
                  </li>
                ))}
              </ul>
            ) : f.attempts > 1 ? (
              <div className="text-xs text-slate-500">No exit rules: every failure is retried.</div>
            ) : null}
          </Fact>
          <Fact term="Timeout">
            {f.timeoutSeconds === null ? "none" : `${durationText(f.timeoutSeconds)} per attempt`}
          </Fact>
          <Fact term="Platform capabilities">
            {f.platformCapabilities.length ? f.platformCapabilities.join(", ") : "EC2 (default)"}
          </Fact>
          <Fact term="Environment">
            <Pairs pairs={f.environment.map((e) => [e.name, e.value])} />
            {f.secrets.length ? <div className="mt-1 text-xs">Secrets: {f.secrets.join(", ")}</div> : null}
          </Fact>
          <Fact term="Parameters">
            <Pairs pairs={f.parameters} />
          </Fact>
          <Fact term="Tags">
            <Pairs pairs={f.tags} />
          </Fact>
          <Fact term="Type">
            {f.type}
            {f.schedulingPriority !== null ? `, scheduling priority ${f.schedulingPriority}` : ""}
            {f.propagateTags ? ", tags propagated to jobs" : ""}
          </Fact>
        </dl>
        <details className="mt-4" open>
          <summary className="cursor-pointer text-sm font-medium text-slate-800">JSON (DescribeJobDefinitions)</summary>
          <section
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the JSON scrolls with the keyboard.
            tabIndex={0}
            aria-label={`${ref} as JSON`}
            className="mt-2 max-h-[32rem] overflow-auto rounded-md bg-slate-50 p-3 ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-400"
          >
            <pre className="font-mono text-xs text-slate-800">{JSON.stringify(definition, null, 2)}</pre>
          </section>
        </details>
      </section>
    </Card>
  );
}
