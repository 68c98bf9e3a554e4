// AWS Batch's REST-JSON API: POST /v1/<lower-cased operation>, signed with SigV4.
import { createV1Handler } from "@/lib/api/v1-handler";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

let handler: ReturnType<typeof createV1Handler> | undefined;
const v1 = () => {
  handler ??= createV1Handler({ db: db() });
  return handler;
};

export async function POST(req: Request, { params }: { params: Promise<{ operation: string }> }) {
  return v1().operation(req, (await params).operation);
}
