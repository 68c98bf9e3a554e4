// Consumable resources (CreateConsumableResource … ListJobsByConsumableResource) and the
// consumableResourceProperties jobs request them through, as AWS shapes them. Quantities are
// AWS's Long; here whole numbers within JavaScript's safe integers, which is what a JSON
// number can carry exactly anyway.
import { z } from "zod";
import { resourceName } from "../names";
import { JOB_STATUSES } from "../states";
import { awsEnum, awsInt, awsList, awsString, safeJson } from "./common";
import { type Tags, tagsSchema } from "./tags";

export const CONSUMABLE_RESOURCE_TYPES = ["REPLENISHABLE", "NON_REPLENISHABLE"] as const;
export type ConsumableResourceType = (typeof CONSUMABLE_RESOURCE_TYPES)[number];
export const UPDATE_OPERATIONS = ["SET", "ADD", "REMOVE"] as const;
/**
 * Resources one job may require. AWS documents no limit; this bounds the rows one submission
 * writes per job (an array of 10,000 children writes this many per child).
 */
export const MAX_REQUIREMENTS = 20;
/** AWS: "A clientToken is valid for 8 hours." */
export const CLIENT_TOKEN_TTL_MS = 8 * 60 * 60 * 1000;

/** AWS's Long as a JSON number: a whole number from `min` up to 2^53 − 1. */
export function awsLong(field: string, min = 0) {
  const message = `${field} must be a whole number of at least ${min}.`;
  return z
    .number({ message })
    .int(message)
    .min(min, message)
    .max(Number.MAX_SAFE_INTEGER, `${field} must be at most ${Number.MAX_SAFE_INTEGER}.`);
}

const ref = (field: string) =>
  z
    .string({ message: `${field} (a consumable resource name or ARN) is required.` })
    .min(1, `${field} must not be empty.`)
    .max(2048, `${field} is too long.`);

export const consumableResourceRequirementSchema = z.object({
  consumableResource: ref("consumableResource"),
  quantity: awsLong("quantity", 1),
});
export type ConsumableResourceRequirement = z.infer<typeof consumableResourceRequirementSchema>;

/** consumableResourceProperties (job definitions) and consumableResourcePropertiesOverride (SubmitJob). */
export const consumableResourcePropertiesSchema = z.object({
  consumableResourceList: awsList(
    "consumableResourceProperties.consumableResourceList",
    consumableResourceRequirementSchema,
    MAX_REQUIREMENTS,
  ).optional(),
});
export type ConsumableResourceProperties = z.infer<typeof consumableResourcePropertiesSchema>;

export const createConsumableResourceInput = z.object({
  consumableResourceName: resourceName("consumableResourceName"),
  totalQuantity: awsLong("totalQuantity").optional(),
  resourceType: awsEnum("resourceType", CONSUMABLE_RESOURCE_TYPES).optional(),
  tags: tagsSchema.optional(),
});

export const describeConsumableResourceInput = z.object({ consumableResource: ref("consumableResource") });
export const deleteConsumableResourceInput = z.object({ consumableResource: ref("consumableResource") });

export const updateConsumableResourceInput = z.object({
  consumableResource: ref("consumableResource"),
  operation: awsEnum("operation", UPDATE_OPERATIONS).optional(),
  quantity: awsLong("quantity").optional(),
  clientToken: awsString("clientToken", 64, 1).optional(),
});

/** A name filter value: a name, or a prefix ending in one asterisk; compared without case. */
const filterValue = z
  .string({ message: "filter values must be strings." })
  .min(1, "filter values must not be empty.")
  .max(256, "filter values must be at most 256 characters long.");

export const listConsumableResourcesInput = z.object({
  filters: awsList(
    "filters",
    z.object({
      name: awsEnum("filters.name", ["CONSUMABLE_RESOURCE_NAME"]),
      values: awsList("filters.values", filterValue, 100, 1),
    }),
    1,
  ).optional(),
  maxResults: awsInt("maxResults", 1, 100).optional(),
  nextToken: z.string().max(1024).optional(),
});

export const listJobsByConsumableResourceInput = z
  .object({
    consumableResource: ref("consumableResource"),
    filters: awsList(
      "filters",
      z.object({
        name: awsEnum("filters.name", ["JOB_STATUS", "JOB_NAME"]),
        values: awsList("filters.values", filterValue, 100, 1),
      }),
      2,
    ).optional(),
    maxResults: awsInt("maxResults", 1, 100).optional(),
    nextToken: z.string().max(1024).optional(),
  })
  .superRefine((input, ctx) => {
    const names = (input.filters ?? []).map((f) => f.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: "custom", path: ["filters"], message: "Each filter name may be given only once." });
    }
    for (const f of input.filters ?? []) {
      if (f.name !== "JOB_STATUS") continue;
      for (const v of f.values) {
        if (!(JOB_STATUSES as readonly string[]).includes(v)) {
          ctx.addIssue({
            code: "custom",
            path: ["filters"],
            message: `JOB_STATUS filter value ${JSON.stringify(v)} must be one of ${JOB_STATUSES.join(", ")}.`,
          });
        }
      }
    }
  });

export type CreateConsumableResourceInput = z.infer<typeof createConsumableResourceInput>;
export type DescribeConsumableResourceInput = z.infer<typeof describeConsumableResourceInput>;
export type DeleteConsumableResourceInput = z.infer<typeof deleteConsumableResourceInput>;
export type UpdateConsumableResourceInput = z.infer<typeof updateConsumableResourceInput>;
export type ListConsumableResourcesInput = z.infer<typeof listConsumableResourcesInput>;
export type ListJobsByConsumableResourceInput = z.infer<typeof listJobsByConsumableResourceInput>;

/**
 * A name filter as SQL LIKE patterns over the lower-cased name: "Lic*" → "lic%", "a_b" →
 * "a\_b" (names may hold underscores, which LIKE would read as "any character").
 */
export function nameFilterPattern(value: string): string {
  const prefix = value.endsWith("*");
  const body = (prefix ? value.slice(0, -1) : value).toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return prefix ? `${body}%` : body;
}

/** The job's requirement as stored on the Job row and reported back: the resource by ARN. */
export interface ResolvedRequirement {
  consumableResource: string;
  quantity: number;
}

export function consumableResourcePropertiesOf(text: string | null | undefined): {
  consumableResourceList: ResolvedRequirement[];
} {
  const list = safeJson<ResolvedRequirement[]>(text, []);
  return { consumableResourceList: Array.isArray(list) ? list : [] };
}

export interface ConsumableResourceRowLike {
  name: string;
  arn: string;
  totalQuantity: bigint | number;
  resourceType: string;
  tags: string;
  createdAt: Date;
}

/**
 * What is in use and what is left. A REPLENISHABLE resource lends its quantity to the jobs on a
 * host and has it back when they end; a NON_REPLENISHABLE one already lost it from its total
 * when the job started (AWS: "subtracted from both the total and available quantities").
 */
export function quantitiesOf(
  resourceType: string,
  totalQuantity: number,
  inUseQuantity: number,
): { totalQuantity: number; inUseQuantity: number; availableQuantity: number } {
  const available = resourceType === "NON_REPLENISHABLE" ? totalQuantity : totalQuantity - inUseQuantity;
  return { totalQuantity, inUseQuantity, availableQuantity: Math.max(0, available) };
}

/** DescribeConsumableResource's answer. */
export function consumableResourceDetail(row: ConsumableResourceRowLike, inUse: number): Record<string, unknown> {
  return {
    consumableResourceName: row.name,
    consumableResourceArn: row.arn,
    ...quantitiesOf(row.resourceType, Number(row.totalQuantity), inUse),
    resourceType: row.resourceType,
    createdAt: row.createdAt.getTime(),
    tags: safeJson<Tags>(row.tags, {}),
  };
}

/** One entry of ListConsumableResources. */
export function consumableResourceSummary(row: ConsumableResourceRowLike, inUse: number) {
  return {
    consumableResourceArn: row.arn,
    consumableResourceName: row.name,
    totalQuantity: Number(row.totalQuantity),
    inUseQuantity: inUse,
    resourceType: row.resourceType,
  };
}
