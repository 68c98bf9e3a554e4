// TagResource (POST), UntagResource (DELETE ?tagKeys=…), ListTagsForResource (GET) on
// /v1/tags/{URL-encoded resource ARN}, signed with SigV4.
import { createV1Handler } from "@/lib/api/v1-handler";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

let handler: ReturnType<typeof createV1Handler> | undefined;
const v1 = () => {
  handler ??= createV1Handler({ db: db() });
  return handler;
};

export const GET = (req: Request) => v1().tags(req);
export const POST = (req: Request) => v1().tags(req);
export const DELETE = (req: Request) => v1().tags(req);
