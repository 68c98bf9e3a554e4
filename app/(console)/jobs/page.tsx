import type { Metadata } from "next";
import Link from "next/link";
import { JobFilter } from "@/components/jobs/job-filter";
import { JobsList } from "@/components/jobs/jobs-list";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { jobListQuerySchema, PAGE_SIZE, toListInput } from "@/lib/jobs/console-filter";

export const metadata: Metadata = { title: "Jobs" };

/** The URL's filter (what bulk actions over "everything matching" take), without the order. */
const FILTER_KEYS = [
  "q",
  "mine",
  "queue",
  "status",
  "name",
  "definition",
  "createdAfter",
  "createdBefore",
  "share",
] as const;

export default backendPage(async function JobsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  // AWS's ListJobs has one order and no submitter: those parts of a URL are not offered there.
  const sortable = backend.kind !== "aws";
  const raw = Object.fromEntries(
    Object.entries(await searchParams).flatMap(([k, v]) => {
      const value = Array.isArray(v) ? v[0] : v;
      if (!sortable && (k === "sort" || k === "mine")) return [];
      return value === undefined || value === "" ? [] : [[k, value]];
    }),
  ) as Record<string, string>;
  const parsed = jobListQuerySchema.safeParse(raw);
  const errors = parsed.success ? {} : parsed.error.flatten().fieldErrors;
  const [queues, definitions, page] = await Promise.all([
    backend.describeJobQueues(ctx, { maxResults: 100 }),
    backend.describeJobDefinitions(ctx, { status: "ACTIVE", maxResults: 100 }),
    parsed.success
      ? backend.listJobsForConsole(ctx, {
          ...toListInput(parsed.data, ctx.user.id),
          ...(parsed.data.sort ? { sort: parsed.data.sort } : {}),
          cursor: parsed.data.cursor,
          before: parsed.data.back,
          limit: parsed.data.limit ?? PAGE_SIZE,
        })
      : null,
  ]);
  const definitionNames = [...new Set(definitions.jobDefinitions.map((d) => String(d.jobDefinitionName)))];
  const filter = Object.fromEntries(FILTER_KEYS.flatMap((k) => (raw[k] ? [[k, raw[k]]] : [])));
  const search = new URLSearchParams(raw).toString();

  return (
    <div className="space-y-6">
      <PageHeader
        title="Jobs"
        description="Every job of this organization across queues. The list updates itself."
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
      <JobFilter
        values={{ ...filter, ...(raw.sort ? { sort: raw.sort } : {}) }}
        errors={errors}
        queues={queues.jobQueues.map((q) => String(q.jobQueueName))}
        definitionNames={definitionNames}
        sortable={sortable}
        mineAvailable={sortable}
        limit={raw.limit}
      />
      {page ? (
        <Card>
          <JobsList
            orgId={ctx.organizationId}
            search={search}
            filter={filter}
            initial={page}
            sort={sortable ? (parsed.data?.sort ?? "newest") : null}
            mayStopAny={can(ctx.role, "jobs.stopAny")}
          />
        </Card>
      ) : (
        <Alert>Some filter values could not be read (marked above); fix them to list jobs.</Alert>
      )}
    </div>
  );
});
