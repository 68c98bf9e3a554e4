// The operator's usage CSV, across organizations: GET ?from&to&group (organization, day, queue,
// definition, share, user). Only the install's operator; anyone else gets 404, as for the page.

import { parseInput } from "@/lib/auth/operation";
import { isOperator, type OperatorContext } from "@/lib/auth/operator";
import { currentSession } from "@/lib/auth/request";
import { errorResponse } from "@/lib/auth/route";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { operatorUsage } from "@/lib/operator/usage";
import { usageCsv, usageCsvFilename } from "@/lib/usage/usage-csv";
import { operatorUsageQueryInput } from "@/lib/usage/usage-input";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  try {
    const session = await currentSession();
    if (!session) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
    const ctx: OperatorContext = { db: db(), user: session.user };
    if (!(await isOperator(ctx.db, ctx.user.id))) throw new AppError("NOT_FOUND", "Not found.");
    const query = parseInput(operatorUsageQueryInput, Object.fromEntries(new URL(req.url).searchParams));
    const report = await operatorUsage(ctx, query);
    return new Response(usageCsv(report), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="all-organizations-${usageCsvFilename(report)}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
