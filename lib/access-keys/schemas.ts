import { z } from "zod";

/** Active (not revoked) keys one user may hold in one organization. */
export const MAX_ACTIVE_KEYS_PER_USER = 10;

export const createAccessKeyInput = z.object({
  description: z
    .string()
    .trim()
    .max(256, "The description must be at most 256 characters long.")
    .optional()
    .default(""),
});
export type CreateAccessKeyInput = z.output<typeof createAccessKeyInput>;

export const revokeAccessKeyInput = z.object({
  accessKeyId: z.string().trim().min(1, "accessKeyId is required."),
});
export type RevokeAccessKeyInput = z.output<typeof revokeAccessKeyInput>;

export const listAccessKeysInput = z.object({
  /** "all" lists every member's keys and needs accessKeys.revokeAny. */
  scope: z.enum(["own", "all"]).optional().default("own"),
});
export type ListAccessKeysInput = z.output<typeof listAccessKeysInput>;

export interface AccessKeySummary {
  accessKeyId: string;
  description: string;
  userId: string;
  userEmail: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
