import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/resources/action-button";
import { Badge } from "@/components/resources/badges";
import { CreateScheduleForm } from "@/components/schedules/create-schedule-form";
import { timeIn } from "@/components/schedules/format";
import { jobHref, scheduleHref } from "@/components/schedules/paths";
import { RunNowButton } from "@/components/schedules/run-now-button";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import type { OrgContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { listSchedules, type ScheduleView } from "@/lib/automation/schedules";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { collectPages } from "@/lib/console/collect";
import { allJobQueues } from "@/lib/console/load-resources";
import { deleteScheduleAction, setScheduleStateAction } from "./actions";

export const metadata: Metadata = { title: "Schedules" };

/** What the create form offers: the organization's queues and its active definitions by name. */
async function targetOptions(ctx: OrgContext) {
  const backend = await backendFor(ctx);
  const [queues, definitions] = await Promise.all([
    allJobQueues(backend, ctx),
    collectPages(async (nextToken) => {
      const r = await backend.describeJobDefinitions(ctx, { status: "ACTIVE", maxResults: 100, nextToken });
      return { items: r.jobDefinitions, nextToken: r.nextToken };
    }),
  ]);
  return {
    queues: queues.map((q) => String(q.jobQueueName)).sort(),
    definitions: [...new Set(definitions.items.map((d) => String(d.jobDefinitionName)))].sort(),
  };
}

const label = (s: ScheduleView) => (s.groupName === "default" ? s.name : `${s.groupName}/${s.name}`);

export default backendPage(async function SchedulesPage() {
  const ctx = await pageContext();
  const canManage = can(ctx.role, "schedules.manage");
  const [{ schedules, nextToken }, options] = await Promise.all([
    listSchedules(ctx),
    canManage ? targetOptions(ctx) : Promise.resolve(null),
  ]);
  return (
    <>
      <PageHeader
        title="Schedules"
        description="Jobs submitted on a timetable: every few minutes (rate), at set times in a time zone (cron), or once (at). Each fire submits the schedule's job; its history says which job or why none."
      />
      {options ? (
        <Card title="Create schedule">
          {options.queues.length === 0 || options.definitions.length === 0 ? (
            <div className="mb-4">
              <Alert tone="info">
                A schedule submits to a job queue with an active job definition;{" "}
                {options.queues.length === 0
                  ? "this organization has no job queue yet"
                  : "there is no active job definition yet"}
                .
              </Alert>
            </div>
          ) : null}
          <CreateScheduleForm queues={options.queues} definitions={options.definitions} />
        </Card>
      ) : null}
      <Card title={`Schedules (${schedules.length}${nextToken ? "+" : ""})`} className="mt-4">
        <Table
          label="Schedules"
          columns={[
            { header: "Name" },
            { header: "Expression" },
            { header: "Time zone" },
            { header: "State" },
            { header: "Next fire" },
            { header: "Last fire" },
            canManage && { header: "Actions", hidden: true },
          ]}
          rows={schedules}
          rowKey={(s) => s.arn}
          rowClassName="align-top"
          empty={`No schedules.${canManage ? " Create one above: it submits its job each time it fires." : ""}`}
          renderRow={(s) => (
            <>
              <td className="py-2 pr-4">
                <Link href={scheduleHref(s.groupName, s.name)} className="font-medium text-indigo-700 hover:underline">
                  {label(s)}
                </Link>
              </td>
              <td className="py-2 pr-4">
                <code className="text-xs">{s.expression}</code>
                <div className="text-xs text-slate-600">{s.expressionInWords}</div>
              </td>
              <td className="py-2 pr-4">{s.timezone}</td>
              <td className="py-2 pr-4">
                <Badge value={s.state} />
              </td>
              <td className="py-2 pr-4 whitespace-nowrap" data-testid={`next-fire-${s.name}`}>
                {s.nextFireAt === null ? <span className="text-slate-500">—</span> : timeIn(s.nextFireAt, s.timezone)}
              </td>
              <td className="py-2 pr-4">
                {s.lastFire ? (
                  <>
                    <div className="whitespace-nowrap">{timeIn(s.lastFire.firedAt, s.timezone)}</div>
                    <div className="flex flex-wrap items-center gap-1 text-xs">
                      <Badge value={s.lastFire.status} />
                      {s.lastFire.jobId ? (
                        <Link href={jobHref(s.lastFire.jobId)} className="font-mono text-indigo-700 hover:underline">
                          {s.lastFire.jobId}
                        </Link>
                      ) : null}
                    </div>
                  </>
                ) : (
                  <span className="text-slate-500">Never</span>
                )}
              </td>
              {canManage ? (
                <td className="py-2 text-right">
                  <div className="flex flex-wrap items-start justify-end gap-2">
                    <ActionButton
                      action={setScheduleStateAction}
                      input={{
                        groupName: s.groupName,
                        name: s.name,
                        state: s.state === "ENABLED" ? "DISABLED" : "ENABLED",
                      }}
                      label={s.state === "ENABLED" ? "Disable" : "Enable"}
                      pendingLabel={s.state === "ENABLED" ? "Disabling…" : "Enabling…"}
                      ariaLabel={`${s.state === "ENABLED" ? "Disable" : "Enable"} ${s.name}`}
                    />
                    <RunNowButton groupName={s.groupName} name={s.name} />
                    <ActionButton
                      action={deleteScheduleAction}
                      input={{ groupName: s.groupName, name: s.name }}
                      label="Delete"
                      pendingLabel="Deleting…"
                      variant="danger"
                      ariaLabel={`Delete ${s.name}`}
                      confirm={`Delete schedule ${label(s)}? Its fire history goes with it; jobs it submitted stay.`}
                    />
                  </div>
                </td>
              ) : null}
            </>
          )}
        />
        {nextToken ? (
          <p className="mt-3 text-xs text-slate-500">Showing the first {schedules.length} schedules.</p>
        ) : null}
      </Card>
    </>
  );
});
