import { JobStatus } from "@/lib/batch/states";
import type { GraphJob } from "@/lib/jobs/console-job-view";
import { STATUS_FILL } from "./status-badge";

const BOX_W = 190;
const BOX_H = 46;
const GAP_Y = 14;
const COL_GAP = 70;
const MAX_PER_SIDE = 12;

/**
 * A box: its name and status as text (a long name is cut by a clip path, not in the text, so
 * what a link says to a screen reader is what it shows, and more).
 */
function Box({ job, x, y, current }: { job: GraphJob; x: number; y: number; current?: boolean }) {
  const clipId = `dep-box-${x}-${y}`;
  const dark = job.status === JobStatus.RUNNING;
  const body = (
    <g>
      <clipPath id={clipId}>
        <rect x={x + 4} y={y} width={BOX_W - 12} height={BOX_H} />
      </clipPath>
      <rect
        x={x}
        y={y}
        width={BOX_W}
        height={BOX_H}
        rx={6}
        fill={STATUS_FILL[job.status] ?? STATUS_FILL.UNKNOWN}
        stroke={current ? "#4338ca" : "#94a3b8"}
        strokeWidth={current ? 2.5 : 1}
      />
      <g clipPath={`url(#${clipId})`}>
        <text x={x + 10} y={y + 19} fontSize={13} fontWeight={600} fill={dark ? "#fff" : "#0f172a"}>
          {job.jobName}
        </text>
        <text x={x + 10} y={y + 36} fontSize={11} fill={dark ? "#e0e7ff" : "#334155"}>
          {job.status}
          {job.type ? ` · ${job.type}` : ""}
        </text>
      </g>
    </g>
  );
  if (current || !job.jobId) return body;
  // No aria-label: the link's name is its text (name, status, type), the words it shows.
  return <a href={`/jobs/${encodeURIComponent(job.jobId)}`}>{body}</a>;
}

/**
 * The job between what it depends on (left) and what depends on it (right), as boxes with
 * name and status joined by arrows. Each box links to that job. A text list follows for screen
 * readers.
 */
export function DependencyGraph({
  job,
  upstream,
  downstream,
  moreDownstream,
  downstreamPartial,
}: {
  job: GraphJob;
  upstream: GraphJob[];
  downstream: GraphJob[];
  moreDownstream: boolean;
  /** Why the jobs depending on this one may not all be listed (AWS), shown beside them. */
  downstreamPartial?: string;
}) {
  const note = downstreamPartial ? (
    <p className="mt-2 text-sm text-slate-600" data-testid="dependents-partial">
      {downstreamPartial}
    </p>
  ) : null;
  if (upstream.length === 0 && downstream.length === 0) {
    return downstreamPartial ? (
      <>
        <p className="text-sm text-slate-600">
          This job depends on no other job, and no job submitted through Batchdeck depends on it.
        </p>
        {note}
      </>
    ) : (
      <p className="text-sm text-slate-600">This job depends on no other job, and no job depends on it.</p>
    );
  }
  const left = upstream.slice(0, MAX_PER_SIDE);
  const right = downstream.slice(0, MAX_PER_SIDE);
  const rows = Math.max(left.length, right.length, 1);
  const height = rows * (BOX_H + GAP_Y) - GAP_Y + 8;
  const colX = [4, 4 + BOX_W + COL_GAP, 4 + 2 * (BOX_W + COL_GAP)];
  const yOf = (i: number, n: number) => 4 + (height - 8 - (n * (BOX_H + GAP_Y) - GAP_Y)) / 2 + i * (BOX_H + GAP_Y);
  const midY = yOf(0, 1);
  const width = (colX[2] ?? 0) + BOX_W + 4;
  return (
    <div className="overflow-x-auto">
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        aria-labelledby="dependency-graph-title"
        className="max-w-none"
      >
        <title id="dependency-graph-title">Dependency graph</title>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#64748b" />
          </marker>
        </defs>
        {left.map((u, i) => {
          const y = yOf(i, left.length);
          return (
            <g key={`u-${u.jobId}-${i}`}>
              <path
                d={`M${(colX[0] ?? 0) + BOX_W},${y + BOX_H / 2} C${(colX[0] ?? 0) + BOX_W + COL_GAP / 2},${y + BOX_H / 2} ${(colX[1] ?? 0) - COL_GAP / 2},${midY + BOX_H / 2} ${(colX[1] ?? 0) - 2},${midY + BOX_H / 2}`}
                fill="none"
                stroke="#64748b"
                markerEnd="url(#arrow)"
              />
              <Box job={u} x={colX[0] ?? 0} y={y} />
            </g>
          );
        })}
        <Box job={job} x={colX[1] ?? 0} y={midY} current />
        {right.map((d, i) => {
          const y = yOf(i, right.length);
          return (
            <g key={`d-${d.jobId}`}>
              <path
                d={`M${(colX[1] ?? 0) + BOX_W},${midY + BOX_H / 2} C${(colX[1] ?? 0) + BOX_W + COL_GAP / 2},${midY + BOX_H / 2} ${(colX[2] ?? 0) - COL_GAP / 2},${y + BOX_H / 2} ${(colX[2] ?? 0) - 2},${y + BOX_H / 2}`}
                fill="none"
                stroke="#64748b"
                markerEnd="url(#arrow)"
              />
              <Box job={d} x={colX[2] ?? 0} y={y} />
            </g>
          );
        })}
      </svg>
      {upstream.length > MAX_PER_SIDE || downstream.length > MAX_PER_SIDE || moreDownstream ? (
        <p className="mt-1 text-xs text-slate-500">Only the first {MAX_PER_SIDE} jobs on each side are drawn.</p>
      ) : null}
      <div className="sr-only">
        <p>Depends on: {upstream.length ? upstream.map((u) => `${u.jobName} (${u.status})`).join(", ") : "nothing"}.</p>
        <p>
          Depended on by{downstreamPartial ? " (of the jobs submitted through Batchdeck)" : ""}:{" "}
          {downstream.length ? downstream.map((d) => `${d.jobName} (${d.status})`).join(", ") : "nothing"}.
        </p>
      </div>
      {note}
    </div>
  );
}
