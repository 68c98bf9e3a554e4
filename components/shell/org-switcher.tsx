"use client";

import { useRef } from "react";
import { switchOrganizationAction } from "@/app/(console)/actions";

export function OrgSwitcher({
  current,
  organizations,
}: {
  current: string;
  organizations: { id: string; name: string; role: string }[];
}) {
  const form = useRef<HTMLFormElement>(null);
  return (
    <form ref={form} action={switchOrganizationAction}>
      <label htmlFor="org-switcher" className="mb-1 block text-xs font-medium uppercase tracking-wide text-slate-500">
        Organization
      </label>
      <select
        id="org-switcher"
        name="organizationId"
        defaultValue={current}
        onChange={() => form.current?.requestSubmit()}
        className="block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name} ({o.role})
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="mt-1 text-sm underline">
          Switch
        </button>
      </noscript>
    </form>
  );
}
