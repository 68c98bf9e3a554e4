"use client";

import clsx from "clsx";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { controlClass, SelectField, TextField } from "@/components/ui/field";
import { JOB_FILTER_STATUSES, JOB_SORT_LABELS, JOB_SORTS } from "@/lib/jobs/console-filter";

/** The filter's fields as the URL names them; the text ones apply after a pause in typing. */
const TEXT_KEYS = ["q", "name", "definition", "createdAfter", "createdBefore", "share"] as const;
const CHOICE_KEYS = ["queue", "status", "mine", "sort"] as const;
export const JOB_FILTER_KEYS = [...TEXT_KEYS, ...CHOICE_KEYS] as const;
type Key = (typeof JOB_FILTER_KEYS)[number];
type Values = Partial<Record<Key, string>>;

/** How long typing pauses before the list follows. */
const TYPING_PAUSE_MS = 400;
/** What a field holds when it filters nothing (left out of the URL). */
const NEUTRAL: Values = { status: "ALL", sort: "newest" };

/** The URL search string of the filter's values plus the kept page size, keys in one order. */
function searchOf(values: Values, limit: string | undefined): string {
  const params = new URLSearchParams();
  for (const k of JOB_FILTER_KEYS) {
    const v = values[k]?.trim();
    if (v && v !== NEUTRAL[k]) params.set(k, v);
  }
  if (limit) params.set("limit", limit);
  params.sort();
  return params.toString();
}

/**
 * The job list's filter. The URL is the source of truth: choices apply as they change, text
 * fields on Enter or once typing pauses, each as a new history entry (back and forward step
 * through filters), and the fields follow the URL when it changes (except the one being typed
 * in). On a phone the fields beyond the search box fold behind a "Filters" button.
 */
export function JobFilter({
  values: urlValues,
  errors,
  queues,
  definitionNames,
  sortable,
  mineAvailable,
  limit,
}: {
  values: Values;
  errors: Partial<Record<string, string[]>>;
  queues: string[];
  definitionNames: string[];
  /** The backend pages through another order than newest first (AWS does not). */
  sortable: boolean;
  /** The backend knows who submitted a job (AWS's list does not). */
  mineAvailable: boolean;
  limit?: string;
}) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [values, setValues] = useState<Values>(urlValues);
  const [open, setOpen] = useState(false);
  const fieldsId = useId();
  const urlSearch = searchOf(urlValues, limit);

  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the URL when it changes
  useEffect(() => {
    const active = document.activeElement;
    const typing =
      active instanceof HTMLInputElement && formRef.current?.contains(active) ? (active.name as Key) : undefined;
    setValues((prev) => (typing ? { ...urlValues, [typing]: prev[typing] ?? "" } : urlValues));
  }, [urlSearch]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const apply = (next: Values) => {
    clearTimeout(timer.current);
    const search = searchOf(next, limit);
    if (search === urlSearch) return;
    router.push(search ? `/jobs?${search}` : "/jobs", { scroll: false });
  };
  const choose = (key: Key, value: string) => {
    const next = { ...values, [key]: value };
    setValues(next);
    apply(next);
  };
  const type = (key: Key, value: string) => {
    const next = { ...values, [key]: value };
    setValues(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => apply(next), TYPING_PAUSE_MS);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(values);
  };

  const text = (key: (typeof TEXT_KEYS)[number]) => ({
    name: key,
    value: values[key] ?? "",
    onChange: (e: { target: { value: string } }) => type(key, e.target.value),
    errors: errors[key],
  });
  const folded = ["queue", "status", "name", "definition", "createdAfter", "createdBefore", "share", "sort"] as const;
  const foldedCount = folded.filter((k) => urlValues[k] && urlValues[k] !== NEUTRAL[k]).length;
  const filtered = JOB_FILTER_KEYS.some((k) => k !== "sort" && urlValues[k] && urlValues[k] !== NEUTRAL[k]);

  return (
    <section className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <form ref={formRef} aria-label="Filter jobs" onSubmit={submit} className="space-y-3 p-4">
        <div className="flex flex-wrap items-end gap-3">
          <TextField
            label="Find a job"
            placeholder="Job id, job ARN or name"
            aria-describedby={`${fieldsId}-search-hint`}
            className="min-w-0 flex-1 basis-64"
            autoComplete="off"
            spellCheck={false}
            {...text("q")}
          />
          {mineAvailable ? (
            <label className="flex items-center gap-2 py-1.5 text-sm font-medium text-slate-700">
              <input
                type="checkbox"
                name="mine"
                checked={values.mine === "1"}
                onChange={(e) => choose("mine", e.target.checked ? "1" : "")}
                className="rounded border-slate-300 focus:ring-indigo-500"
              />
              My jobs
            </label>
          ) : null}
          <button
            type="button"
            aria-expanded={open}
            aria-controls={fieldsId}
            onClick={() => setOpen((o) => !o)}
            className="rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 sm:hidden"
          >
            Filters{foldedCount ? ` (${foldedCount})` : ""}
          </button>
        </div>
        <p id={`${fieldsId}-search-hint`} className="-mt-2 text-xs text-slate-500">
          A job id or ARN (an array child as id:index) finds that job; other text matches names that start with it.
        </p>
        <div id={fieldsId} className={clsx(open ? "grid" : "hidden", "gap-3 sm:grid sm:grid-cols-2 lg:grid-cols-4")}>
          <SelectField
            label="Queue"
            name="queue"
            value={values.queue ?? ""}
            onChange={(e) => choose("queue", e.target.value)}
          >
            <option value="">All queues</option>
            {queues.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Status"
            name="status"
            value={values.status ?? "ALL"}
            onChange={(e) => choose("status", e.target.value)}
            errors={errors.status}
          >
            {JOB_FILTER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === "ALL" ? "All statuses" : s}
              </option>
            ))}
          </SelectField>
          <TextField label="Name starts with" autoComplete="off" {...text("name")} />
          <div>
            <TextField
              label="Definition"
              list="job-definition-names"
              hint="A name (every revision) or name:revision"
              autoComplete="off"
              {...text("definition")}
            />
            <datalist id="job-definition-names">
              {definitionNames.map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </div>
          <TextField label="Created after (UTC)" type="datetime-local" {...text("createdAfter")} />
          <TextField label="Created before (UTC)" type="datetime-local" {...text("createdBefore")} />
          <TextField label="Share identifier" autoComplete="off" {...text("share")} />
          {sortable ? (
            <SelectField
              label="Order"
              name="sort"
              value={values.sort ?? "newest"}
              onChange={(e) => choose("sort", e.target.value)}
            >
              {JOB_SORTS.map((s) => (
                <option key={s} value={s}>
                  {JOB_SORT_LABELS[s]}
                </option>
              ))}
            </SelectField>
          ) : (
            <div>
              <span className="mb-1 block text-sm font-medium text-slate-700">Order</span>
              <p className={clsx(controlClass, "border-dashed text-slate-600 shadow-none")}>Newest first</p>
              <p className="mt-1 text-xs text-slate-500">
                AWS Batch lists jobs newest first only and does not say who submitted them, so this organization's list
                cannot be sorted another way or narrowed to your jobs.
              </p>
            </div>
          )}
        </div>
        {filtered ? (
          <p>
            <Link
              href={urlValues.sort && urlValues.sort !== "newest" ? `/jobs?sort=${urlValues.sort}` : "/jobs"}
              className="text-sm font-medium text-indigo-700 hover:underline"
            >
              Clear
            </Link>
          </p>
        ) : null}
      </form>
    </section>
  );
}
