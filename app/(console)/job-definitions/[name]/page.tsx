import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RevisionView } from "@/components/job-definitions/revision-view";
import { ActionButton } from "@/components/resources/action-button";
import { Badge } from "@/components/resources/badges";
import { DiffView } from "@/components/resources/diff-view";
import { lineDiff } from "@/components/resources/lib/line-diff";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField } from "@/components/ui/field";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { comparableDefinition } from "@/lib/console/job-definition-revisions";
import { summarizeDefinition } from "@/lib/console/job-definition-summary";
import { allJobDefinitions } from "@/lib/console/load-resources";
import { deregisterJobDefinitionAction } from "../actions";

export const metadata: Metadata = { title: "Job definition" };

function summary(def: Record<string, unknown>) {
  const s = summarizeDefinition(def);
  const where = s.kind && s.kind !== "container" ? ` (${s.kind})` : "";
  return {
    image: s.image ? `${s.image}${where}` : "—",
    command: s.command.length ? JSON.stringify(s.command) : "—",
    resources: [s.vcpus && `${s.vcpus} vCPU`, s.memoryMiB && `${s.memoryMiB} MiB`, s.gpus && `${s.gpus} GPU`]
      .filter(Boolean)
      .join(", "),
  };
}

export default backendPage(async function JobDefinitionPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ a?: string; b?: string; revision?: string }>;
}) {
  const name = decodeURIComponent((await params).name);
  const query = await searchParams;
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const { items: revisions } = await allJobDefinitions(backend, ctx, name);
  if (revisions.length === 0) notFound();
  const canManage = can(ctx.role, "jobDefinitions.manage");
  const numbers = revisions.map((r) => Number(r.revision));
  const latest = numbers[numbers.length - 1] as number;
  // Compare the two newest revisions unless the reader chose others.
  const pick = (text: string | undefined, fallback: number) =>
    text !== undefined && numbers.includes(Number(text)) ? Number(text) : fallback;
  const b = pick(query.b, latest);
  const a = pick(query.a, numbers.length > 1 ? (numbers[numbers.length - 2] as number) : latest);
  // The revision shown whole: the one the URL names (?revision=N), else the latest.
  const shown = pick(query.revision, latest);
  const byRevision = new Map(revisions.map((r) => [Number(r.revision), r]));
  const lines = lineDiff(comparableDefinition(byRevision.get(a)), comparableDefinition(byRevision.get(b)));
  const showHref = (n: number) =>
    `?${new URLSearchParams({ revision: String(n), ...(query.a ? { a: String(a) } : {}), ...(query.b ? { b: String(b) } : {}) })}`;
  return (
    <>
      <PageHeader
        title={name}
        description={`${revisions.length} revision${revisions.length === 1 ? "" : "s"}`}
        actions={
          canManage ? (
            <Link
              href={`/job-definitions/new?from=${encodeURIComponent(`${name}:${latest}`)}`}
              className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
            >
              Register new revision
            </Link>
          ) : null
        }
      />
      <div className="mb-4 text-sm">
        <Link href="/job-definitions" className="text-indigo-700 hover:underline">
          ← All job definitions
        </Link>
      </div>
      <Card title="Revisions">
        <Table
          label="Revisions"
          columns={[
            { header: "Revision" },
            { header: "Status" },
            { header: "Image" },
            { header: "Command" },
            { header: "Resources" },
            canManage && { header: "Actions", hidden: true },
          ]}
          rows={[...revisions].reverse()}
          rowKey={(r) => `${name}:${r.revision}`}
          rowClassName="align-top"
          rowProps={(r) => (Number(r.revision) === shown ? { className: "bg-indigo-50/60" } : {})}
          renderRow={(r) => {
            const s = summary(r);
            const ref = `${name}:${r.revision}`;
            const n = Number(r.revision);
            return (
              <>
                <td className="py-2 pr-4 font-medium tabular-nums">
                  <Link
                    href={showHref(n)}
                    aria-label={`Show revision ${n}`}
                    aria-current={n === shown ? "page" : undefined}
                    className="text-indigo-700 hover:underline"
                  >
                    {n}
                  </Link>
                </td>
                <td className="py-2 pr-4">
                  <Badge value={String(r.status)} />
                </td>
                <td className="py-2 pr-4 font-mono text-xs">{s.image}</td>
                <td className="max-w-xs truncate py-2 pr-4 font-mono text-xs" title={s.command}>
                  {s.command}
                </td>
                <td className="py-2 pr-4 whitespace-nowrap">{s.resources || "—"}</td>
                {canManage ? (
                  <td className="py-2 text-right">
                    {r.status === "ACTIVE" ? (
                      <ActionButton
                        action={deregisterJobDefinitionAction}
                        input={{ jobDefinition: ref }}
                        label="Deregister"
                        pendingLabel="Deregistering…"
                        variant="danger"
                        ariaLabel={`Deregister ${ref}`}
                        confirm={`Deregister ${ref}? It will accept no new jobs; jobs already submitted from it run on.`}
                      />
                    ) : null}
                  </td>
                ) : null}
              </>
            );
          }}
        />
      </Card>
      <RevisionView
        name={name}
        definition={byRevision.get(shown) as Record<string, unknown>}
        latest={latest}
        canSubmit={can(ctx.role, "jobs.submit")}
        canManage={canManage}
      />
      <Card title="Compare revisions" className="mt-4">
        {numbers.length < 2 ? (
          <p className="text-sm text-slate-600">Only one revision so far: register another to compare them.</p>
        ) : (
          <>
            <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Choose revisions to compare">
              <input type="hidden" name="revision" value={String(shown)} />
              <SelectField label="From revision" name="a" defaultValue={String(a)} className="w-36">
                {numbers.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </SelectField>
              <SelectField label="To revision" name="b" defaultValue={String(b)} className="w-36">
                {numbers.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </SelectField>
              <Button type="submit" variant="secondary">
                Compare
              </Button>
            </form>
            <DiffView
              lines={lines}
              oldLabel={`${name}:${a}`}
              newLabel={`${name}:${b}`}
              note="Compared as registered: the ARN, revision number, status (active or deregistered) and orchestration type, which every revision has of its own, are left out."
            />
          </>
        )}
      </Card>
    </>
  );
});
