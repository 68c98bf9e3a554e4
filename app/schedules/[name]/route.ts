// EventBridge Scheduler's CreateSchedule (POST), GetSchedule (GET), UpdateSchedule (PUT) and
// DeleteSchedule (DELETE) on /schedules/{Name}; lib/automation/scheduler-api.ts.
import { schedulerHandler } from "../handler";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ name: string }> };

async function handle(req: Request, { params }: Params) {
  return schedulerHandler()(req, (await params).name);
}

export { handle as DELETE, handle as GET, handle as POST, handle as PUT };
