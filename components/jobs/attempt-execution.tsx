// How an attempt ran, as the engine recorded it (AttemptDetail.enforcedLimits): the executor, and
// on request every limit and seal it enforced, so "was my job limited to 2 GiB" has an answer.
function label(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number" || typeof value === "string") return String(value);
  return JSON.stringify(value);
}

export function AttemptExecution({ enforced }: { enforced?: Record<string, unknown> }) {
  if (!enforced) return <span className="text-slate-500">—</span>;
  const executor = typeof enforced.executor === "string" ? enforced.executor : "process";
  const image = typeof enforced.image === "string" ? enforced.image : null;
  const rest = Object.entries(enforced).filter(([key]) => key !== "executor");
  return (
    <details className="text-xs">
      <summary className="cursor-pointer font-medium text-slate-700">
        {executor}
        {image ? <span className="font-mono font-normal text-slate-600"> {image}</span> : null}
      </summary>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-slate-600">
        {rest.map(([key, value]) => (
          <div key={key} className="contents">
            <dt className="font-medium">{key}</dt>
            <dd className="break-all font-mono">{label(value)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
