import { createSchedulerHandler } from "@/lib/automation/scheduler-api";
import { db } from "@/lib/db";

let handler: ReturnType<typeof createSchedulerHandler> | undefined;

/** One handler per server process, on the process-wide database client. */
export function schedulerHandler() {
  handler ??= createSchedulerHandler({ db: db() });
  return handler;
}
