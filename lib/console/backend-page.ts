// Console pages read through the organization's backend, and an AWS backend can be unreachable,
// refuse the credentials or the caller, or not know what the URL names. Thrown from a page,
// such an error reaches the browser in production as a bare digest (Next hides server
// messages), so pages are wrapped in backendPage: NOT_FOUND becomes the 404 page, and
// BACKEND_UNAVAILABLE, RATE_LIMITED and FORBIDDEN become a message in the page with AWS's words
// (components/shell/backend-problem.tsx) and a retry. Anything else goes on to the console's
// error boundary (app/(console)/error.tsx).
import { notFound } from "next/navigation";
import { createElement, type ReactNode } from "react";
import { BackendProblem } from "@/components/shell/backend-problem";
import { AppError } from "@/lib/errors";

/** A page component whose expected backend failures show as a message (or the 404 page). */
export function backendPage<P>(page: (props: P) => Promise<ReactNode>): (props: P) => Promise<ReactNode> {
  return async function BackendPage(props: P) {
    try {
      return await page(props);
    } catch (error) {
      if (error instanceof AppError) {
        if (error.code === "NOT_FOUND") notFound();
        if (error.code === "BACKEND_UNAVAILABLE" || error.code === "FORBIDDEN" || error.code === "RATE_LIMITED") {
          // createElement, not JSX: lib/ holds no components, only the decision of which to show.
          return createElement(BackendProblem, { error });
        }
      }
      throw error;
    }
  };
}
