/** Shown while a resource page renders on the server (route loading UI). */
export function PageLoading({ what }: { what: string }) {
  return (
    <output aria-live="polite" className="flex items-center gap-3 text-sm text-slate-600">
      <span
        aria-hidden="true"
        className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600"
      />
      Loading {what}…
    </output>
  );
}
