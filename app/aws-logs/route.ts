// CloudWatch Logs (GetLogEvents, DescribeLogStreams) for built-in jobs. Clients POST to "/";
// proxy.ts rewrites requests carrying a Logs_20140328.* X-Amz-Target here.
import { createLogsHandler } from "@/lib/api/logs-handler";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

let handler: ReturnType<typeof createLogsHandler> | undefined;

export async function POST(req: Request) {
  handler ??= createLogsHandler({ db: db() });
  return handler(req);
}
