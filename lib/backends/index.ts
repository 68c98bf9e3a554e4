// Which backend serves an organization: Organization.backend, "builtin" (default) or "aws".
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { awsBackend } from "./aws";
import { clientsOf } from "./aws/for-organization";
import { builtinBackend } from "./builtin";
import type { BatchBackend } from "./types";

export type { BatchBackend } from "./types";

export async function backendFor(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<BatchBackend> {
  const org = await ctx.db.organization.findUnique({
    where: { id: ctx.organizationId },
    select: { backend: true, awsBackendConfig: true },
  });
  if (!org) throw new AppError("NOT_FOUND", "Organization was not found.");
  if (org.backend === "builtin") return builtinBackend;
  if (org.backend === "aws") return backendOf(clientsOf(ctx.organizationId, org.awsBackendConfig));
  throw new AppError("INVALID_INPUT", `This organization is set to the unknown backend "${org.backend}".`);
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
