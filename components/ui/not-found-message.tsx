import Link from "next/link";

/**
 * What an unknown address shows: what happened, and a way back (the Overview when signed in,
 * sign-in otherwise) rather than a bare 404.
 */
export function NotFoundMessage({ signedIn }: { signedIn: boolean }) {
  return (
    <div className="w-full max-w-md rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <p className="text-sm font-medium text-indigo-700">404</p>
      <h1 className="mt-1 text-xl font-semibold text-slate-900">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600">
        Nothing is at this address: the link may be mistyped, or what it named was deleted.
      </p>
      <div className="mt-6 flex flex-wrap gap-3">
        {signedIn ? (
          <Link
            href="/"
            className="inline-flex items-center rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800"
          >
            Back to Overview
          </Link>
        ) : (
          <Link
            href="/login"
            className="inline-flex items-center rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800"
          >
            Sign in
          </Link>
        )}
        {signedIn ? (
          <Link
            href="/jobs"
            className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Jobs
          </Link>
        ) : null}
      </div>
    </div>
  );
}
