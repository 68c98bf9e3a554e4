import clsx from "clsx";
import Link from "next/link";
import { can, ROLE_LABELS, ROLES, type Role } from "@/lib/auth/permissions";
import type { GettingStartedStep } from "@/lib/console/overview";

/** "An admin" / "An admin or a developer": the roles that hold a permission, as a sentence's subject. */
function whoMay(permission: GettingStartedStep["permission"]): string {
  const labels = ROLES.filter((r) => can(r, permission)).map((r) => ROLE_LABELS[r].toLowerCase());
  const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);
  const text = labels.map(article).join(" or ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The way to a first job for a newcomer: each step ticked once done, the next one leading to
 * the form that does it; a step the reader's role may not take says who can instead.
 */
export function GettingStarted({ steps, role }: { steps: GettingStartedStep[]; role: Role }) {
  const next = steps.find((s) => !s.done);
  const done = steps.filter((s) => s.done).length;
  return (
    <section aria-labelledby="getting-started" className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 id="getting-started" className="text-sm font-semibold text-slate-800">
        Getting started
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Four steps to a first job: {done} of {steps.length} done.
      </p>
      <ol className="mt-4 space-y-3">
        {steps.map((step, i) => {
          const allowed = can(role, step.permission);
          return (
            <li key={step.key} className="flex gap-3" data-testid={`step-${step.key}`} data-done={String(step.done)}>
              <span
                aria-hidden="true"
                className={clsx(
                  "flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold",
                  step.done ? "bg-emerald-600 text-white" : "bg-slate-100 text-slate-700 ring-1 ring-slate-300",
                )}
              >
                {step.done ? "✓" : i + 1}
              </span>
              <div className="min-w-0">
                <p className={clsx("text-sm font-medium", step.done ? "text-slate-600" : "text-slate-900")}>
                  {step.done || !allowed ? (
                    step.title
                  ) : (
                    <Link
                      href={step.href}
                      className={clsx(
                        "hover:underline",
                        step === next ? "text-indigo-700 underline underline-offset-2" : "text-indigo-700",
                      )}
                    >
                      {step.title}
                    </Link>
                  )}
                  <span className={clsx("ml-2 text-xs font-normal", step.done ? "text-emerald-800" : "text-slate-600")}>
                    {step.done ? "Done" : "To do"}
                  </span>
                </p>
                <p className="text-xs text-slate-600">
                  {step.why}
                  {!step.done && !allowed ? ` ${whoMay(step.permission)} creates ${step.thing}; ask one.` : ""}
                </p>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
