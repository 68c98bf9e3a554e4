// CloudWatch Logs and EventBridge clients POST to the endpoint's root with an X-Amz-Target
// header, but "/" is the console's overview page and Next cannot serve a route handler and a
// page on one path. Only those requests are rewritten (to app/aws-logs and app/aws-events);
// everything else passes untouched.
import { type NextRequest, NextResponse } from "next/server";

const REWRITES: [targetPrefix: string, path: string][] = [
  ["Logs_20140328.", "/aws-logs"],
  ["AWSEvents.", "/aws-events"],
];

export function proxy(req: NextRequest) {
  if (req.method === "POST") {
    const target = req.headers.get("x-amz-target") ?? "";
    const rewrite = REWRITES.find(([prefix]) => target.startsWith(prefix));
    if (rewrite) return NextResponse.rewrite(new URL(rewrite[1], req.url));
  }
  return NextResponse.next();
}

export const config = { matcher: "/" };
