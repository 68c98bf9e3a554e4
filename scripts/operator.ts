// `npm run operator -- list | grant <email> | revoke <email>`: who runs this install (sets
// organizations' quotas, reads every organization's usage). Run on the host, against the
// database the configuration names, like `npm start`.
import { createDb } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { listOperators, setOperator } from "@/lib/operator/grant";

const USAGE = "usage: npm run operator -- list | grant <email> | revoke <email>";

async function main(): Promise<number> {
  const [command, email] = process.argv.slice(2);
  const db = createDb(env().DATABASE_URL);
  try {
    if (command === "list" && !email) {
      const operators = await listOperators(db);
      console.log(operators.length ? operators.join("\n") : "No operator.");
      return 0;
    }
    if ((command === "grant" || command === "revoke") && email) {
      const result = await setOperator(db, email, command === "grant");
      const what = command === "grant" ? "is the install's operator" : "is no longer an operator";
      console.log(
        result === "changed"
          ? `${email} ${what}.`
          : `${email} already ${command === "grant" ? "was" : "was not"} an operator.`,
      );
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await db.$disconnect();
  }
}

main().then((code) => process.exit(code));
