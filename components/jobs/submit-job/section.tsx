import type { ReactNode } from "react";
import type { FieldErrors as ErrorMap, SubmitFormState } from "@/lib/batch/submit-form";

/** What every section of the submit form is given: the form, a way to change it, its errors. */
export interface SectionProps {
  form: SubmitFormState;
  update: (patch: Partial<SubmitFormState>) => void;
  errors: ErrorMap;
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-3 border-t border-slate-200 pt-4 first:border-t-0 first:pt-0">
      <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
      {children}
    </section>
  );
}
