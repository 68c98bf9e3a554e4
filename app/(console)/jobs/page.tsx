import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { JobsList } from "@/components/jobs/jobs-list";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { JOB_FILTER_STATUSES, jobListQuerySchema, PAGE_SIZE, toListInput } from "@/lib/jobs/console-filter";

export const metadata: Metadata = { title: "Jobs" };

const FILTER_KEYS = ["queue", "status", "name", "definition", "createdAfter", "createdBefore", "share"] as const;

export default backendPage(async function JobsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await pageContext();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).flatMap(([k, v]) => {
      const value = Array.isArray(v) ? v[0] : v;
      return value === undefined || value === "" ? [] : [[k, value]];
    }),
  ) as Record<string, string>;
  const parsed = jobListQuerySchema.safeParse(raw);
  const errors = parsed.success ? {} : parsed.error.flatten().fieldErrors;
  const backend = await backendFor(ctx);
  const [queues, definitions, page] = await Promise.all([
    backend.describeJobQueues(ctx, { maxResults: 100 }),
    backend.describeJobDefinitions(ctx, { status: "ACTIVE", maxResults: 100 }),
    parsed.success
      ? backend.listJobsForConsole(ctx, {
          ...toListInput(parsed.data),
          cursor: parsed.data.cursor,
          before: parsed.data.back,
          limit: parsed.data.limit ?? PAGE_SIZE,
        })
      : null,
  ]);
  const definitionNames = [...new Set(definitions.jobDefinitions.map((d) => String(d.jobDefinitionName)))];
  const filter = Object.fromEntries(FILTER_KEYS.flatMap((k) => (raw[k] ? [[k, raw[k]]] : [])));
  const search = new URLSearchParams(raw).toString();
  const filtered = Object.keys(filter).length > 0;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Jobs"
        description="Every job of this organization across queues, newest first. The list updates itself."
        actions={
          can(ctx.role, "jobs.submit") ? (
            <Link
              href="/jobs/new"
              className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
            >
              Submit a job
            </Link>
          ) : null
        }
      />
      <Card title="Filter">
        <Form action="/jobs" aria-label="Filter jobs" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <SelectField label="Queue" name="queue" defaultValue={raw.queue ?? ""}>
            <option value="">All queues</option>
            {queues.jobQueues.map((q) => (
              <option key={String(q.jobQueueArn)} value={String(q.jobQueueName)}>
                {String(q.jobQueueName)}
              </option>
            ))}
          </SelectField>
          <SelectField label="Status" name="status" defaultValue={raw.status ?? "ALL"} errors={errors.status}>
            {JOB_FILTER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === "ALL" ? "All statuses" : s}
              </option>
            ))}
          </SelectField>
          <TextField label="Name starts with" name="name" defaultValue={raw.name ?? ""} errors={errors.name} />
          <div>
            <TextField
              label="Definition"
              name="definition"
              list="job-definition-names"
              defaultValue={raw.definition ?? ""}
              hint="A name (every revision) or name:revision"
              errors={errors.definition}
            />
            <datalist id="job-definition-names">
              {definitionNames.map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </div>
          <TextField
            label="Created after (UTC)"
            name="createdAfter"
            type="datetime-local"
            defaultValue={raw.createdAfter ?? ""}
            errors={errors.createdAfter}
          />
          <TextField
            label="Created before (UTC)"
            name="createdBefore"
            type="datetime-local"
            defaultValue={raw.createdBefore ?? ""}
            errors={errors.createdBefore}
          />
          <TextField label="Share identifier" name="share" defaultValue={raw.share ?? ""} errors={errors.share} />
          <div className="flex items-end gap-3">
            <button
              type="submit"
              className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
            >
              Apply filter
            </button>
            {filtered ? (
              <Link href="/jobs" className="text-sm font-medium text-indigo-700 hover:underline">
                Clear
              </Link>
            ) : null}
          </div>
        </Form>
      </Card>
      {page ? (
        <Card>
          <JobsList orgId={ctx.organizationId} search={search} filter={filter} initial={page} />
        </Card>
      ) : (
        <Alert>Some filter values could not be read (marked above); fix them to list jobs.</Alert>
      )}
    </div>
  );
});
