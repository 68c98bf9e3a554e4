// Console pages read through the organization's backend, and an AWS backend can be unreachable,
// refuse the credentials or the caller, or not know what the URL names. Thrown from a page,
// such an error reaches the browser in production as a bare digest (Next hides server
// messages), so pages are wrapped in backendPage: NOT_FOUND becomes the 404 page, and
// BACKEND_UNAVAILABLE, RATE_LIMITED and FORBIDDEN become a message in the page with AWS's words (already
// free of secrets, lib/backends/aws/errors.ts) and a retry. Anything else goes on to the
// console's error boundary (app/(console)/error.tsx).
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Card, PageHeader } from "@/components/ui/card";
import { RetryButton } from "@/components/ui/retry-button";
import { AppError } from "@/lib/errors";

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

/** A page component whose expected backend failures show as a message (or the 404 page). */
export function backendPage<P>(page: (props: P) => Promise<ReactNode>): (props: P) => Promise<ReactNode> {
  return async function BackendPage(props: P) {
    try {
      return await page(props);
    } catch (error) {
      if (error instanceof AppError) {
        if (error.code === "NOT_FOUND") notFound();
        if (error.code === "BACKEND_UNAVAILABLE" || error.code === "FORBIDDEN" || error.code === "RATE_LIMITED") {
          return <BackendProblem error={error} />;
        }
      }
      throw error;
    }
  };
}
