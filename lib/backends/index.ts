// Which backend serves an organization: Organization.backend, "builtin" (default) or "aws".
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { awsBackend } from "./aws";
import { clientsOf, organizationBackend } from "./aws/for-organization";
import { builtinBackend } from "./builtin";
import type { BatchBackend } from "./types";

export type { BatchBackend } from "./types";

export async function backendFor(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<BatchBackend> {
  const { backend, configStamp } = await organizationBackend(ctx.db, ctx.organizationId);
  if (backend === "builtin") return builtinBackend;
  if (backend === "aws") return backendOf(await clientsOf(ctx.db, ctx.organizationId, configStamp));
  throw new AppError("INVALID_INPUT", `This organization is set to the unknown backend "${backend}".`);
}

// One backend object per clients object: the clients are cached per configuration, so this is too.
const backends = new WeakMap<object, BatchBackend>();
function backendOf(clients: Parameters<typeof awsBackend>[0]): BatchBackend {
  let backend = backends.get(clients);
  if (!backend) {
    backend = awsBackend(clients);
    backends.set(clients, backend);
  }
  return backend;
}
