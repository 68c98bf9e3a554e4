"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { NOTIFICATIONS_PATH } from "@/components/notifications/paths";
import { orgAction } from "@/lib/auth/action";
import type { OrgContext } from "@/lib/auth/context";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  queueTestEvent,
  resumeApiDestination,
  webhookEndpointInput,
} from "@/lib/automation/destination-state";
import { rotateApiDestinationSecret } from "@/lib/automation/event-destinations";
import {
  deleteRule,
  describeRule,
  disableRule,
  EVENT_RULE_STATES,
  enableRule,
  listTargetsByRule,
  type PutTargetsInput,
  putRule,
  putTargets,
  removeTargets,
} from "@/lib/automation/event-rules";
import { eventsName, text } from "@/lib/automation/events-input";
import { AppError, conflict, invalid } from "@/lib/errors";

const refresh = <T>(value: T): T => {
  revalidatePath(NOTIFICATIONS_PATH);
  return value;
};

const nameKey = z.object({ name: eventsName("Name") });

// ---- Webhook endpoints ------------------------------------------------------------------------

/** Returns the signing secret: the only time it is shown. */
export const createEndpointAction = orgAction({
  name: "notifications.createEndpoint",
  permission: "schedules.manage",
  input: webhookEndpointInput,
  run: async (ctx, input) => refresh(await createWebhookEndpoint(ctx, input)),
});

/** Returns the new signing secret, shown this once. */
export const rotateSecretAction = orgAction({
  name: "notifications.rotateSecret",
  permission: "schedules.manage",
  input: nameKey,
  run: async (ctx, { name }) => refresh({ signingSecret: await rotateApiDestinationSecret(ctx, name) }),
});

export const resumeEndpointAction = orgAction({
  name: "notifications.resumeEndpoint",
  permission: "schedules.manage",
  input: nameKey,
  run: async (ctx, { name }) => refresh(await resumeApiDestination(ctx, name)),
});

export const deleteEndpointAction = orgAction({
  name: "notifications.deleteEndpoint",
  permission: "schedules.manage",
  input: nameKey,
  run: async (ctx, { name }) => refresh(await deleteWebhookEndpoint(ctx, name)),
});

export const sendTestEventAction = orgAction({
  name: "notifications.sendTestEvent",
  permission: "schedules.manage",
  input: nameKey,
  run: async (ctx, { name }) => refresh(await queueTestEvent(ctx, name)),
});

// ---- Rules ------------------------------------------------------------------------------------

const ruleTarget = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("WEBHOOK"), apiDestinationArn: text("Webhook endpoint", 1600) }),
    z.object({
      kind: z.literal("JOB_QUEUE"),
      jobQueueArn: text("Job queue", 1600),
      jobDefinition: text("Job definition", 1600),
      jobName: text("Job name", 128),
    }),
  ],
  { error: "Choose what the rule does: send to a webhook endpoint or submit a job." },
);

const createRuleInput = z.object({
  name: eventsName("Name"),
  eventPattern: text("Event pattern", 4096),
  target: ruleTarget,
});

/** The target's Id within its rule: the endpoint's or queue's name, which are valid Ids. */
const targetIdOf = (arn: string) => (arn.split("/")[1] ?? "target").slice(0, 64);

function targetOf(target: z.output<typeof ruleTarget>): PutTargetsInput["Targets"][number] {
  if (target.kind === "WEBHOOK") return { Id: targetIdOf(target.apiDestinationArn), Arn: target.apiDestinationArn };
  return {
    Id: targetIdOf(target.jobQueueArn),
    Arn: target.jobQueueArn,
    BatchParameters: { JobDefinition: target.jobDefinition, JobName: target.jobName },
  };
}

async function ruleExists(ctx: OrgContext, name: string): Promise<boolean> {
  try {
    await describeRule(ctx, { Name: name });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return false;
    throw error;
  }
}

/**
 * PutRule then PutTargets, EventBridge's two steps; a rule whose target is refused is deleted
 * again, so the console never leaves a rule that sends nowhere. PutRule replaces a rule of the
 * same name, so the console refuses a taken name first.
 */
export const createRuleAction = orgAction({
  name: "notifications.createRule",
  permission: "schedules.manage",
  input: createRuleInput,
  run: async (ctx, input) => {
    if (await ruleExists(ctx, input.name)) throw conflict(`A rule named ${input.name} already exists.`);
    const { RuleArn } = await putRule(ctx, { Name: input.name, EventPattern: input.eventPattern, State: "ENABLED" });
    const undo = () => deleteRule(ctx, { Name: input.name }).catch(() => {});
    try {
      const { FailedEntries } = await putTargets(ctx, { Rule: input.name, Targets: [targetOf(input.target)] });
      const failed = FailedEntries[0];
      if (failed) throw invalid(failed.ErrorMessage, { target: [failed.ErrorMessage] });
    } catch (error) {
      await undo();
      throw error;
    }
    return refresh({ ruleArn: RuleArn });
  },
});

export const setRuleStateAction = orgAction({
  name: "notifications.setRuleState",
  permission: "schedules.manage",
  input: nameKey.extend({ state: z.enum(EVENT_RULE_STATES, { message: "State must be ENABLED or DISABLED." }) }),
  run: async (ctx, { name, state }) =>
    refresh(await (state === "ENABLED" ? enableRule : disableRule)(ctx, { Name: name })),
});

/** Removes the rule's targets, then the rule (EventBridge refuses to delete a rule with targets). */
export const deleteRuleAction = orgAction({
  name: "notifications.deleteRule",
  permission: "schedules.manage",
  input: nameKey,
  run: async (ctx, { name }) => {
    const { Targets } = await listTargetsByRule(ctx, { Rule: name });
    if (Targets.length > 0) await removeTargets(ctx, { Rule: name, Ids: Targets.map((t) => t.Id) });
    return refresh(await deleteRule(ctx, { Name: name }));
  },
});
