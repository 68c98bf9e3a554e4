// EventBridge Scheduler's ListSchedules (GET /schedules); lib/automation/scheduler-api.ts.
import { schedulerHandler } from "./handler";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return schedulerHandler()(req, null);
}
