// Self-service sign-up creates an account and a new organization it administers. It is off
// unless BATCHDECK_SIGNUP is set (hosted deployments); the caller checks that setting.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { emailSchema } from "@/lib/members/schemas";
import { createOrganization } from "@/lib/organizations/create-organization";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./password";

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name").max(100, "Name is too long"),
  email: emailSchema,
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(200, "Password is too long"),
  organization: z.string().trim().min(1, "Name your organization").max(100, "Name is too long"),
});

export async function signUp(
  db: Db,
  input: z.output<typeof signUpInput>,
): Promise<{ userId: string; organizationId: string }> {
  const passwordHash = await hashPassword(input.password);
  return writeTransaction(db, async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
      throw conflict("An account with this email already exists. Sign in instead.");
    }
    const userId = newId();
    await tx.user.create({ data: { id: userId, email: input.email, name: input.name, passwordHash } });
    const org = await createOrganization(tx, {
      name: input.organization,
      adminUserId: userId,
      adminEmail: input.email,
    });
    return { userId, organizationId: org.id };
  });
}
