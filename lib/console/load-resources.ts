// What several resource pages read together, through the organization's backend.
import "server-only";
import type { OrgContext } from "@/lib/auth/context";
import type { BatchBackend } from "@/lib/backends";
import { collectPages } from "./collect";

export async function allComputeEnvironments(backend: BatchBackend, ctx: OrgContext) {
  return (
    await collectPages(async (nextToken) => {
      const r = await backend.describeComputeEnvironments(ctx, { maxResults: 100, nextToken });
      return { items: r.computeEnvironments, nextToken: r.nextToken };
    })
  ).items;
}

export async function allJobQueues(backend: BatchBackend, ctx: OrgContext) {
  return (
    await collectPages(async (nextToken) => {
      const r = await backend.describeJobQueues(ctx, { maxResults: 100, nextToken });
      return { items: r.jobQueues, nextToken: r.nextToken };
    })
  ).items;
}

/** Every scheduling policy with its fair-share settings, ordered by name. */
export async function allSchedulingPolicies(backend: BatchBackend, ctx: OrgContext) {
  const { items: arns } = await collectPages(async (nextToken) => {
    const r = await backend.listSchedulingPolicies(ctx, { maxResults: 100, nextToken });
    return { items: r.schedulingPolicies.map((p) => p.arn), nextToken: r.nextToken };
  });
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    out.push(...(await backend.describeSchedulingPolicies(ctx, { arns: arns.slice(i, i + 100) })).schedulingPolicies);
  }
  return out as { name: string; arn: string; fairsharePolicy: Record<string, unknown>; tags: Record<string, string> }[];
}

/** Every revision of every job definition (or of one name), ordered by name then revision. */
export async function allJobDefinitions(backend: BatchBackend, ctx: OrgContext, jobDefinitionName?: string) {
  return collectPages(async (nextToken) => {
    const r = await backend.describeJobDefinitions(ctx, { jobDefinitionName, maxResults: 100, nextToken });
    return { items: r.jobDefinitions, nextToken: r.nextToken };
  });
}

/** Every consumable resource with its quantities, ordered by name. */
export async function allConsumableResources(backend: BatchBackend, ctx: OrgContext) {
  return (
    await collectPages(async (nextToken) => {
      const r = await backend.listConsumableResources(ctx, { maxResults: 100, nextToken });
      return { items: r.consumableResources, nextToken: r.nextToken };
    })
  ).items;
}
