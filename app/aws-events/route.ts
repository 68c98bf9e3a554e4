// Amazon EventBridge (rules, targets, connections, API destinations). Clients POST to "/";
// proxy.ts rewrites requests carrying an AWSEvents.* X-Amz-Target here.
import { createEventsHandler } from "@/lib/automation/events-api";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

let handler: ReturnType<typeof createEventsHandler> | undefined;

export async function POST(req: Request) {
  handler ??= createEventsHandler({ db: db() });
  return handler(req);
}
