// Settings → Single sign-on: what the form sends and what the console is told (never the client
// secret, only whether one is set).
import { z } from "zod";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { parseDomainList } from "./domains";

export const saveSsoProviderInput = z
  .object({
    issuer: z.string().trim().min(1, "Enter the issuer's URL.").max(2000, "The URL is too long."),
    clientId: z.string().trim().min(1, "Enter the client ID.").max(1000, "The client ID is too long."),
    /** Empty keeps the stored secret (required when there is none). Never trimmed. */
    clientSecret: z.string().max(4000, "The client secret is too long.").optional().default(""),
    /** Domains separated by commas, spaces or lines; empty: any domain. */
    allowedDomains: z
      .string()
      .max(10_000, "Too many domains.")
      .optional()
      .default("")
      .transform((text, ctx) => {
        const { domains, invalid } = parseDomainList(text);
        if (invalid.length > 0) {
          ctx.addIssue({ code: "custom", message: `Not a domain: ${invalid.slice(0, 3).join(", ")}.` });
          return z.NEVER;
        }
        if (domains.length > 100) {
          ctx.addIssue({ code: "custom", message: "At most 100 domains." });
          return z.NEVER;
        }
        return domains;
      }),
    defaultRole: z.enum(ROLES, { message: "Choose a role." }),
    createMembers: z.boolean(),
    requireSso: z.boolean(),
    breakGlassUserId: z
      .string()
      .max(100)
      .nullable()
      .optional()
      .transform((v) => v || null),
    enabled: z.boolean(),
  })
  .strict();
export type SaveSsoProviderInput = z.output<typeof saveSsoProviderInput>;

export const deleteSsoProviderInput = z.object({}).strict();

/** What an admin sees of the organization's provider. */
export interface SsoProviderView {
  issuer: string;
  clientId: string;
  /** Always true for a saved provider: the secret itself never leaves the server. */
  clientSecretSet: boolean;
  allowedDomains: string[];
  defaultRole: Role;
  createMembers: boolean;
  requireSso: boolean;
  breakGlassUserId: string | null;
  enabled: boolean;
  updatedAt: Date;
}

export interface SsoSettings {
  provider: SsoProviderView | null;
  /** The organization's admins: who may be the break-glass admin. */
  admins: { id: string; email: string; name: string }[];
}
