import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ActionButton } from "@/components/resources/action-button";
import { Badge } from "@/components/resources/badges";
import { MISSED_FIRE_LABELS, OVERLAP_LABELS, timeIn, timeInUtc } from "@/components/schedules/format";
import { jobHref, SCHEDULES_PATH } from "@/components/schedules/paths";
import { RunNowButton } from "@/components/schedules/run-now-button";
import { YourTime, YourTimeHeader } from "@/components/schedules/your-time";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import {
  getSchedule,
  listScheduleFires,
  type ScheduleView,
  scheduleKeyInput,
  upcomingFires,
} from "@/lib/automation/schedules";
import { backendPage } from "@/lib/console/backend-page";
import { setScheduleStateAction } from "../../actions";

export const metadata: Metadata = { title: "Schedule" };

const HISTORY = 50;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const big = (ms: number | null) => (ms === null ? null : BigInt(ms));

/** The next five fires, from the schedule as stored; none for a disabled one. */
function nextFive(s: ScheduleView): number[] {
  try {
    return upcomingFires(
      {
        expression: s.expression,
        timezone: s.timezone,
        startDate: big(s.startDate),
        endDate: big(s.endDate),
        createdAt: BigInt(s.createdAt),
        state: s.state,
      },
      Date.now(),
      5,
    );
  } catch {
    return [];
  }
}

function Pair({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

export default backendPage(async function SchedulePage({
  params,
}: {
  params: Promise<{ group: string; name: string }>;
}) {
  const raw = await params;
  const key = scheduleKeyInput.safeParse({ groupName: decode(raw.group), name: decode(raw.name) });
  if (!key.success) notFound();
  const ctx = await pageContext();
  const [schedule, fires] = await Promise.all([getSchedule(ctx, key.data), listScheduleFires(ctx, key.data, HISTORY)]);
  const canManage = can(ctx.role, "schedules.manage");
  const s = schedule;
  const upcoming = nextFive(s);
  const zone = s.timezone;
  const target = s.target;
  return (
    <>
      <PageHeader
        title={s.name}
        description={s.arn}
        actions={
          canManage ? (
            <div className="flex flex-wrap items-start gap-2">
              <RunNowButton groupName={s.groupName} name={s.name} />
              <ActionButton
                action={setScheduleStateAction}
                input={{ groupName: s.groupName, name: s.name, state: s.state === "ENABLED" ? "DISABLED" : "ENABLED" }}
                label={s.state === "ENABLED" ? "Disable" : "Enable"}
                pendingLabel={s.state === "ENABLED" ? "Disabling…" : "Enabling…"}
                ariaLabel={`${s.state === "ENABLED" ? "Disable" : "Enable"} ${s.name}`}
              />
            </div>
          ) : null
        }
      />
      <div className="mb-4 text-sm">
        <Link href={SCHEDULES_PATH} className="text-indigo-700 hover:underline">
          ← All schedules
        </Link>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Settings">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
            <Pair term="State">
              <span data-testid="schedule-state">
                <Badge value={s.state} />
              </span>
            </Pair>
            <Pair term="Expression">
              <code className="text-xs">{s.expression}</code>
              <div className="text-slate-600">{s.expressionInWords}</div>
            </Pair>
            <Pair term="Time zone">{zone}</Pair>
            <Pair term="Group">{s.groupName}</Pair>
            {s.description ? <Pair term="Description">{s.description}</Pair> : null}
            <Pair term="Starts">{s.startDate === null ? "At once" : timeIn(s.startDate, zone)}</Pair>
            <Pair term="Ends">{s.endDate === null ? "Never" : timeIn(s.endDate, zone)}</Pair>
            <Pair term="Flexible window">
              {s.flexibleWindowMinutes === null ? "Off" : `Up to ${s.flexibleWindowMinutes} min late`}
            </Pair>
            <Pair term="Missed fires">{MISSED_FIRE_LABELS[s.missedFirePolicy] ?? s.missedFirePolicy}</Pair>
            <Pair term="Overlap">{OVERLAP_LABELS[s.overlapPolicy] ?? s.overlapPolicy}</Pair>
            <Pair term="After the last fire">
              {s.actionAfterCompletion === "DELETE" ? "Delete the schedule" : "Keep the schedule"}
            </Pair>
            <Pair term="Created">{timeInUtc(s.createdAt)}</Pair>
            <Pair term="Updated">{timeInUtc(s.updatedAt)}</Pair>
          </dl>
        </Card>
        <Card title="Target">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
            <Pair term="Job queue">
              <Link
                href={`/job-queues/${encodeURIComponent(target.jobQueue)}`}
                className="text-indigo-700 hover:underline"
              >
                {target.jobQueue}
              </Link>
            </Pair>
            <Pair term="Job definition">{target.jobDefinition}</Pair>
            <Pair term="Job name">{target.jobName}</Pair>
            <Pair term="Array size">{target.arrayProperties?.size ?? "Not an array"}</Pair>
            <Pair term="Retry attempts">{target.retryStrategy?.attempts ?? "As the definition says"}</Pair>
            {target.shareIdentifier ? <Pair term="Share">{target.shareIdentifier}</Pair> : null}
            {target.containerOverrides?.command ? (
              <Pair term="Command">
                <code className="text-xs">{JSON.stringify(target.containerOverrides.command)}</code>
              </Pair>
            ) : null}
          </dl>
        </Card>
      </div>
      <Card title="Next fires" className="mt-4">
        {upcoming.length === 0 ? (
          <p className="text-sm text-slate-600">
            {s.state === "ENABLED" ? "This schedule has no more fires." : "A disabled schedule does not fire."}
          </p>
        ) : (
          <Table
            label="Next fires"
            columns={[
              { header: "#" },
              { header: `Schedule's time (${zone})` },
              { header: "UTC" },
              { header: <YourTimeHeader /> },
            ]}
            rows={upcoming}
            rowKey={(ms) => String(ms)}
            renderRow={(ms, i) => (
              <>
                <td className="py-1.5 pr-4 tabular-nums text-slate-500">{i + 1}</td>
                <td className="py-1.5 pr-4 whitespace-nowrap">{timeIn(ms, zone)}</td>
                <td className="py-1.5 pr-4 whitespace-nowrap">{timeInUtc(ms)}</td>
                <td className="py-1.5 pr-4">
                  <YourTime ms={ms} />
                </td>
              </>
            )}
          />
        )}
      </Card>
      <Card title={`Fire history (${fires.length}${fires.length === HISTORY ? "+" : ""})`} className="mt-4">
        <Table
          label="Fire history"
          columns={[{ header: "Fired" }, { header: "Trigger" }, { header: "Status" }, { header: "Job or reason" }]}
          rows={fires}
          rowKey={(f) => f.id}
          rowClassName="align-top"
          empty="This schedule has not fired yet."
          renderRow={(f) => (
            <>
              <td className="py-1.5 pr-4 whitespace-nowrap" title={timeInUtc(f.firedAt)}>
                {timeIn(f.firedAt, zone)}
              </td>
              <td className="py-1.5 pr-4">{f.trigger === "MANUAL" ? "Run now" : "Schedule"}</td>
              <td className="py-1.5 pr-4">
                <Badge value={f.status} />
              </td>
              <td className="py-1.5 pr-4">
                {f.jobId ? (
                  <Link href={jobHref(f.jobId)} className="font-mono text-xs text-indigo-700 hover:underline">
                    {f.jobId}
                  </Link>
                ) : (
                  <span className="text-slate-600">{f.reason ?? "—"}</span>
                )}
              </td>
            </>
          )}
        />
      </Card>
    </>
  );
});
