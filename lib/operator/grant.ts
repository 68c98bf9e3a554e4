// Who is the install's operator: granted and revoked from the host's shell
// (`npm run operator -- grant <email>`), never from the console, so no organization admin can
// make themselves one. The first admin is the operator from the first run (lib/auth/bootstrap.ts).
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError } from "@/lib/errors";

export async function setOperator(db: Db, email: string, operator: boolean): Promise<"changed" | "unchanged"> {
  return writeTransaction(db, async (tx) => {
    const user = await tx.user.findUnique({
      where: { email: email.trim().toLowerCase() },
      select: { id: true, isOperator: true },
    });
    if (!user) throw new AppError("NOT_FOUND", `No account has the email address ${email.trim()}.`);
    if (user.isOperator === operator) return "unchanged";
    if (!operator && (await tx.user.count({ where: { isOperator: true } })) === 1) {
      throw new AppError("CONFLICT", "This is the install's only operator; grant another account first.");
    }
    await tx.user.update({ where: { id: user.id }, data: { isOperator: operator } });
    return "changed";
  });
}

export async function listOperators(db: Db): Promise<string[]> {
  const users = await db.user.findMany({
    where: { isOperator: true },
    select: { email: true },
    orderBy: { email: "asc" },
  });
  return users.map((u) => u.email);
}
