"use client";

import { controlClass } from "@/components/ui/field";

/**
 * "Sign in with SSO": a GET form to /sso/start, and the install-wide provider's link when one is
 * configured. The form navigates by script: /sso/start redirects to the provider, another
 * origin, and the console's Content-Security-Policy (form-action 'self') stops a form
 * submission from following a redirect off the site; a navigation the script starts is not one.
 */
export function SsoSignIn({ next, installLabel }: { next: string; installLabel: string | null }) {
  return (
    <section aria-labelledby="sso-heading" className="mt-6 border-t border-slate-200 pt-4">
      <h2 id="sso-heading" className="mb-2 text-sm font-semibold text-slate-800">
        Sign in with SSO
      </h2>
      <form
        action="/sso/start"
        method="get"
        className="space-y-3"
        aria-label="Sign in with SSO"
        onSubmit={(e) => {
          e.preventDefault();
          const org = new FormData(e.currentTarget).get("org");
          window.location.assign(`/sso/start?${new URLSearchParams({ org: String(org ?? ""), next })}`);
        }}
      >
        <input type="hidden" name="next" value={next} />
        <div>
          <label htmlFor="sso-org" className="mb-1 block text-sm font-medium text-slate-700">
            Organization
          </label>
          <input
            id="sso-org"
            name="org"
            required
            maxLength={100}
            autoComplete="organization"
            spellCheck={false}
            className={controlClass}
            aria-describedby="sso-org-hint"
          />
          <p id="sso-org-hint" className="mt-1 text-xs text-slate-500">
            Its short name, as your admin gave it (the organization's single sign-on must be set up).
          </p>
        </div>
        <button
          type="submit"
          className="w-full rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
        >
          Continue with SSO
        </button>
      </form>
      {installLabel ? (
        <a
          href={`/sso/start?${new URLSearchParams({ next })}`}
          className="mt-3 block w-full rounded-md bg-white px-3 py-1.5 text-center text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
        >
          {installLabel}
        </a>
      ) : null}
    </section>
  );
}
