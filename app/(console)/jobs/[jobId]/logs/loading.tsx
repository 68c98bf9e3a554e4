// Shown while the logs page looks up the job on the server.
export default function JobLogsLoading() {
  return (
    <div className="space-y-4">
      <output className="sr-only">Loading the job's output…</output>
      <div className="h-7 w-56 animate-pulse rounded bg-slate-200" />
      <div className="h-[65vh] min-h-64 animate-pulse rounded-lg bg-slate-800" />
    </div>
  );
}
