// What a console page shows instead of its content when the organization's backend failed in
// a way the reader can act on (lib/console/backend-page.ts decides when): AWS's words, already
// free of secrets (lib/backends/aws/errors.ts), where to check the connection, and a retry.
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { RetryButton } from "@/components/ui/retry-button";
import type { AppError } from "@/lib/errors";

export function BackendProblem({ error }: { error: AppError }) {
  const unavailable = error.code === "BACKEND_UNAVAILABLE" || error.code === "RATE_LIMITED";
  const title =
    error.code === "FORBIDDEN"
      ? "Not allowed"
      : error.code === "RATE_LIMITED"
        ? "The batch backend is busy"
        : "The batch backend could not be reached";
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <div role="alert" className="space-y-3 text-sm text-slate-700" data-testid="backend-problem">
          <p className="font-medium text-slate-900">{error.message}</p>
          {unavailable ? (
            <p>
              This organization’s jobs and resources live in its backend. An admin can check the connection under{" "}
              <Link href="/settings/backend" className="font-medium text-indigo-700 hover:underline">
                Settings → Backend
              </Link>
              .
            </p>
          ) : (
            <p>Your role in this organization does not allow this, or the backend refused the request.</p>
          )}
          <RetryButton />
        </div>
      </Card>
    </>
  );
}
