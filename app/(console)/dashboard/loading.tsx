// Shown while the dashboard for another time range renders on the server.
export default function DashboardLoading() {
  return (
    <div className="space-y-4">
      <output className="sr-only">Loading the dashboard…</output>
      <div className="h-7 w-40 animate-pulse rounded bg-slate-200" />
      <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
        {["a", "b", "c", "d", "e", "f"].map((k) => (
          <div key={k} className="h-24 animate-pulse rounded-lg bg-white ring-1 ring-slate-200" />
        ))}
      </div>
      <div className="grid gap-4 xl:grid-cols-3">
        {["a", "b", "c"].map((k) => (
          <div key={k} className="h-72 animate-pulse rounded-lg bg-white ring-1 ring-slate-200" />
        ))}
      </div>
    </div>
  );
}
