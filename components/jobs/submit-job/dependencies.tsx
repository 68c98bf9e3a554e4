"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { jobQueries } from "@/components/lib/queries";
import { Button } from "@/components/ui/button";
import { FieldErrors } from "@/components/ui/field";
import type { SubmitFormState } from "@/lib/batch/submit-form";
import { inputClass } from "../rows-editor";
import { StatusBadge } from "../status-badge";

/** Jobs to wait for, found by id or name start, and for an array its own children in sequence. */
export function Dependencies({
  orgId,
  form,
  update,
  errors,
}: {
  orgId: string;
  form: SubmitFormState;
  update: (patch: Partial<SubmitFormState>) => void;
  errors?: string[];
}) {
  const [term, setTerm] = useState("");
  const trimmed = term.trim();
  const found = useQuery(jobQueries.search(orgId, trimmed));
  const deps = form.dependsOn;
  const chosen = new Set(deps.map((d) => d.jobId));
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-700">Depends on</legend>
      {deps.length ? (
        <ul className="mb-2 space-y-2">
          {deps.map((d, i) => (
            <li key={`${d.jobId}-${i}`} className="flex flex-wrap items-center gap-2">
              <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                {d.jobId || "(this array's previous child)"}
              </code>
              <select
                aria-label={`Dependency ${i + 1} type`}
                className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                value={d.type}
                onChange={(e) =>
                  update({
                    dependsOn: deps.map((x, j) =>
                      j === i ? { ...x, type: e.target.value as SubmitFormState["dependsOn"][number]["type"] } : x,
                    ),
                  })
                }
              >
                <option value="">Standard (whole job)</option>
                <option value="N_TO_N">N_TO_N (child i waits for child i)</option>
                <option value="SEQUENTIAL">SEQUENTIAL (children one after another)</option>
              </select>
              <button
                type="button"
                aria-label={`Remove dependency ${i + 1}`}
                className="rounded-md px-2 text-slate-500 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                onClick={() => update({ dependsOn: deps.filter((_, j) => j !== i) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label htmlFor="dependency-search" className="sr-only">
        Find a job to depend on
      </label>
      <input
        id="dependency-search"
        type="search"
        placeholder="Find a job by name or id"
        className={inputClass}
        value={term}
        onChange={(e) => setTerm(e.target.value)}
      />
      {trimmed ? (
        <div className="mt-2" aria-live="polite">
          {found.isFetching && !found.data ? <p className="text-sm text-slate-600">Searching…</p> : null}
          {found.data && found.data.jobs.length === 0 ? (
            <p className="text-sm text-slate-600">No job has that id or a name starting with it.</p>
          ) : null}
          <ul className="divide-y divide-slate-100">
            {(found.data?.jobs ?? []).map((j) => (
              <li key={j.jobId} className="flex items-center justify-between gap-2 py-1.5 text-sm">
                <span className="min-w-0">
                  <span className="font-medium">{j.jobName}</span>{" "}
                  <span className="font-mono text-xs text-slate-500">{j.jobId}</span> <StatusBadge status={j.status} />
                  {j.arraySize ? <span className="text-xs text-slate-500"> array of {j.arraySize}</span> : null}
                </span>
                <Button
                  variant="secondary"
                  disabled={chosen.has(j.jobId)}
                  aria-label={`Depend on ${j.jobName} (${j.jobId})`}
                  onClick={() => update({ dependsOn: [...deps, { jobId: j.jobId, type: "" }] })}
                >
                  {chosen.has(j.jobId) ? "Added" : "Add"}
                </Button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {form.arraySize.trim() ? (
        <button
          type="button"
          className="mt-2 text-sm font-medium text-indigo-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          onClick={() => update({ dependsOn: [...deps, { jobId: "", type: "SEQUENTIAL" }] })}
        >
          + Run this array's children one after another
        </button>
      ) : null}
      <FieldErrors id="depends-on-err" errors={errors} />
    </fieldset>
  );
}
