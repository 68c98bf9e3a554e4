import type { Tx } from "@/lib/db";
import { conflict } from "@/lib/errors";

/**
 * An organization that requires single sign-on keeps its break-glass admin (the one member who
 * may still sign in with a password, lib/sso/require-sso.ts): demoting or removing them would
 * leave nobody who can get in when the provider fails. Read under the organization's lock, which
 * saving the provider takes too, so the two cannot pass each other.
 */
export async function keepBreakGlassAdmin(tx: Tx, organizationId: string, userId: string, what: string): Promise<void> {
  const provider = await tx.ssoProvider.findUnique({
    where: { organizationId },
    select: { enabled: true, requireSso: true, breakGlassUserId: true },
  });
  if (provider?.enabled && provider.requireSso && provider.breakGlassUserId === userId) {
    throw conflict(
      `${what}: they are the break-glass admin of single sign-on, the one member who may still sign in with a password. Choose another break-glass admin in Settings → Single sign-on first.`,
    );
  }
}
