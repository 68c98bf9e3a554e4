// CloudWatch Logs clients POST to the endpoint's root with an X-Amz-Target header, but "/" is
// the console's overview page and Next cannot serve a route handler and a page on one path.
// Only those requests are rewritten to app/aws-logs; everything else passes untouched.
import { type NextRequest, NextResponse } from "next/server";

const LOGS_TARGET_PREFIX = "Logs_20140328.";

export function proxy(req: NextRequest) {
  if (req.method === "POST" && req.headers.get("x-amz-target")?.startsWith(LOGS_TARGET_PREFIX)) {
    return NextResponse.rewrite(new URL("/aws-logs", req.url));
  }
  return NextResponse.next();
}

export const config = { matcher: "/" };
