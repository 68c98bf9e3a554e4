"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { SCHEDULES_PATH } from "@/components/schedules/paths";
import { recordAudit } from "@/lib/audit";
import { orgAction } from "@/lib/auth/action";
import { backendFireDeps } from "@/lib/automation/fire-deps";
import { fireSchedule } from "@/lib/automation/schedule-fire";
import {
  createSchedule,
  deleteSchedule,
  SCHEDULE_STATES,
  scheduleInput,
  scheduleKeyInput,
  scheduleRowFor,
  setScheduleState,
} from "@/lib/automation/schedules";
import { FireStatus } from "@/lib/automation/statuses";

const refresh = <T>(value: T): T => {
  revalidatePath(SCHEDULES_PATH, "layout");
  return value;
};

export const createScheduleAction = orgAction({
  name: "schedules.create",
  permission: "schedules.manage",
  input: scheduleInput,
  run: async (ctx, input) => refresh(await createSchedule(ctx, input)),
});

export const setScheduleStateAction = orgAction({
  name: "schedules.setState",
  permission: "schedules.manage",
  input: scheduleKeyInput.extend({
    state: z.enum(SCHEDULE_STATES, { message: "State must be ENABLED or DISABLED." }),
  }),
  run: async (ctx, { state, ...key }) => refresh(await setScheduleState(ctx, key, state)),
});

export const deleteScheduleAction = orgAction({
  name: "schedules.delete",
  permission: "schedules.manage",
  input: scheduleKeyInput,
  run: async (ctx, key) => refresh(await deleteSchedule(ctx, key)),
});

export type RunNowResult =
  | { status: typeof FireStatus.SUBMITTED; jobId: string }
  | { status: typeof FireStatus.FAILED | typeof FireStatus.SKIPPED; reason: string };

/**
 * Fires the schedule once, now, outside its timetable; it never takes the place of a scheduled
 * fire. The schedule's own overlap policy still applies.
 */
export const runScheduleNowAction = orgAction({
  name: "schedules.runNow",
  permission: "schedules.manage",
  input: scheduleKeyInput,
  run: async (ctx, key): Promise<RunNowResult> => {
    const row = await scheduleRowFor(ctx, key);
    const now = Date.now();
    // A manual fire's slot is the moment negated: it can never take a timetable slot's row.
    const fired = await fireSchedule(backendFireDeps(ctx.db), row, -now, { trigger: "MANUAL", now });
    const result: RunNowResult =
      fired.status === FireStatus.SUBMITTED
        ? { status: FireStatus.SUBMITTED, jobId: fired.jobId }
        : fired.status === "ALREADY_FIRED"
          ? { status: FireStatus.SKIPPED, reason: "This schedule was already fired at this very moment." }
          : { status: fired.status, reason: fired.reason };
    await recordAudit(ctx.db, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "schedule.runNow",
      targetType: "schedule",
      targetId: row.arn,
      details: { ...("fireId" in fired ? { fireId: fired.fireId } : {}), ...result },
    });
    return refresh(result);
  },
});
