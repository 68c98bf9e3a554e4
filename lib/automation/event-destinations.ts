// EventBridge connections and API destinations: where a rule's webhook target sends its events
// and how it authorizes itself there. Domain functions for the console and the EventBridge API
// (lib/automation/events-api.ts), in EventBridge's shapes like event-rules.ts.
//
// Secrets are sealed with lib/secrets.ts, each bound to its row by the encryption context (a
// sealed value copied onto another row does not open):
//   EventConnection.authHeaderSealed      context `event-connection:${id}`  the header's value
//                                         (API_KEY: ApiKeyValue; BASIC: "Basic base64(user:pass)")
//   ApiDestination.signingSecretSealed    context `api-destination:${id}`   the HMAC-SHA256 key
// The signing secret is shown once, when the destination is created or its secret rotated.
// OAuth client credentials are not supported: Batchdeck does not run a token exchange.
import { isIP } from "node:net";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import type { DbOrTx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { env } from "@/lib/env";
import { AppError, conflict, invalid } from "@/lib/errors";
import { newId, newToken } from "@/lib/ids";
import { accountIdOf } from "@/lib/resources/account";
import { isUniqueViolation } from "@/lib/resources/refs";
import { decryptSecret, encryptSecret } from "@/lib/secrets";
import {
  afterToken,
  epochSeconds,
  eventsArn,
  eventsName,
  limitField,
  nameWhere,
  nextTokenField,
  pageOf,
  parseEventsInput,
  text,
  wholeNumber,
} from "./events-input";
import { isForbiddenAddress } from "./webhook";

export const connectionSecretContext = (id: string) => `event-connection:${id}`;
export const signingSecretContext = (id: string) => `api-destination:${id}`;

// ---- Connections ------------------------------------------------------------------------------

const AUTHORIZATION_TYPES = ["API_KEY", "BASIC", "OAUTH_CLIENT_CREDENTIALS"] as const;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers every delivery sets itself; a connection may not replace them. */
const RESERVED_HEADERS = new Set([
  "host",
  "content-type",
  "content-length",
  "transfer-encoding",
  "connection",
  "user-agent",
]);
// Visible ASCII, spaces and tabs, as an HTTP header value allows; nothing that ends the line.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;

export const createConnectionInput = z.object({
  Name: eventsName("Name"),
  Description: text("Description", 512, 0).optional(),
  AuthorizationType: z.enum(AUTHORIZATION_TYPES, {
    error: (i) =>
      i.input === undefined
        ? "AuthorizationType is required."
        : "AuthorizationType must be API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS.",
  }),
  AuthParameters: z.object(
    {
      ApiKeyAuthParameters: z
        .object({
          ApiKeyName: text("ApiKeyName", 512),
          ApiKeyValue: text("ApiKeyValue", 512),
        })
        .optional(),
      BasicAuthParameters: z.object({ Username: text("Username", 512), Password: text("Password", 512) }).optional(),
      OAuthParameters: z.unknown().optional(),
      InvocationHttpParameters: z
        .unknown()
        .refine((v) => v === undefined, "InvocationHttpParameters are not supported by Batchdeck.")
        .optional(),
    },
    { error: (i) => (i.input === undefined ? "AuthParameters is required." : "AuthParameters must be an object.") },
  ),
});
export type CreateConnectionInput = z.input<typeof createConnectionInput>;

/** The header a connection sends: its name, and its value (to be sealed). */
function authHeaderOf(v: z.output<typeof createConnectionInput>): { name: string; value: string } {
  if (v.AuthorizationType === "OAUTH_CLIENT_CREDENTIALS") {
    throw invalid("AuthorizationType OAUTH_CLIENT_CREDENTIALS is not supported by Batchdeck: use API_KEY or BASIC.");
  }
  if (v.AuthorizationType === "API_KEY") {
    const p = v.AuthParameters.ApiKeyAuthParameters;
    if (!p) throw invalid("AuthParameters.ApiKeyAuthParameters is required when AuthorizationType is API_KEY.");
    const lower = p.ApiKeyName.toLowerCase();
    if (!HEADER_NAME.test(p.ApiKeyName)) throw invalid("ApiKeyName must be a valid HTTP header name.");
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("x-batchdeck-")) {
      throw invalid(`ApiKeyName ${p.ApiKeyName} names a header every delivery sets itself; choose another.`);
    }
    if (!HEADER_VALUE.test(p.ApiKeyValue))
      throw invalid("ApiKeyValue must not contain line breaks or control characters.");
    return { name: p.ApiKeyName, value: p.ApiKeyValue };
  }
  const p = v.AuthParameters.BasicAuthParameters;
  if (!p) throw invalid("AuthParameters.BasicAuthParameters is required when AuthorizationType is BASIC.");
  if (p.Username.includes(":")) throw invalid("Username must not contain a colon (HTTP Basic authentication).");
  return {
    name: "Authorization",
    value: `Basic ${Buffer.from(`${p.Username}:${p.Password}`, "utf8").toString("base64")}`,
  };
}

type ConnectionRow = {
  id: string;
  name: string;
  arn: string;
  description: string | null;
  authorizationType: string;
  authHeaderName: string | null;
  authHeaderSealed: string | null;
  createdAt: bigint;
  updatedAt: bigint;
};

const connectionTimes = (c: ConnectionRow) => ({
  CreationTime: epochSeconds(c.createdAt),
  LastModifiedTime: epochSeconds(c.updatedAt),
  LastAuthorizedTime: epochSeconds(c.updatedAt),
});

export async function createConnection(ctx: OrgContext, input: CreateConnectionInput, now = Date.now()) {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(createConnectionInput, input);
  const header = authHeaderOf(v);
  const { organizationId } = ctx;
  const id = newId();
  const sealed = encryptSecret(header.value, { context: connectionSecretContext(id) });
  const exists = () => conflict(`Connection ${v.Name} already exists.`);
  try {
    return await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
      const taken = await tx.eventConnection.findUnique({
        where: { organizationId_name: { organizationId, name: v.Name } },
        select: { id: true },
      });
      if (taken) throw exists();
      const arn = eventsArn(await accountIdOf(tx, organizationId), `connection/${v.Name}/${id}`);
      await tx.eventConnection.create({
        data: {
          id,
          organizationId,
          name: v.Name,
          arn,
          description: v.Description ?? null,
          authorizationType: v.AuthorizationType,
          authHeaderName: header.name,
          authHeaderSealed: sealed,
          createdAt: BigInt(now),
          updatedAt: BigInt(now),
        },
      });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "eventConnection.create",
        targetType: "eventConnection",
        targetId: arn,
        details: { authorizationType: v.AuthorizationType, header: header.name },
      });
      return {
        ConnectionArn: arn,
        ConnectionState: "AUTHORIZED",
        CreationTime: epochSeconds(now),
        LastModifiedTime: epochSeconds(now),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}

const nameInput = z.object({ Name: eventsName("Name") });
export type NameInput = z.input<typeof nameInput>;

async function findConnection(db: DbOrTx, organizationId: string, name: string) {
  const row = await db.eventConnection.findUnique({ where: { organizationId_name: { organizationId, name } } });
  if (!row)
    throw new AppError("NOT_FOUND", `Failed to describe the connection(s). Connection '${name}' does not exist.`);
  return row;
}

/** The parameters without their secrets: the key's header name, the Basic username. */
function publicAuthParameters(c: ConnectionRow) {
  if (c.authorizationType === "API_KEY") return { ApiKeyAuthParameters: { ApiKeyName: c.authHeaderName ?? "" } };
  if (c.authorizationType !== "BASIC" || !c.authHeaderSealed) return {};
  try {
    const encoded = decryptSecret(c.authHeaderSealed, { context: connectionSecretContext(c.id) }).replace(
      /^Basic /,
      "",
    );
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    return { BasicAuthParameters: { Username: decoded.slice(0, decoded.indexOf(":")) } };
  } catch {
    return { BasicAuthParameters: {} };
  }
}

export async function describeConnection(ctx: OrgContext, input: NameInput) {
  requirePermission(ctx, "resources.view");
  const v = parseEventsInput(nameInput, input);
  const c = await findConnection(ctx.db, ctx.organizationId, v.Name);
  return {
    ConnectionArn: c.arn,
    Name: c.name,
    ...(c.description !== null ? { Description: c.description } : {}),
    ConnectionState: "AUTHORIZED",
    AuthorizationType: c.authorizationType,
    AuthParameters: publicAuthParameters(c),
    ...connectionTimes(c),
  };
}

const listConnectionsInput = z.object({
  NamePrefix: text("NamePrefix", 64).optional(),
  ConnectionState: text("ConnectionState", 32).optional(),
  Limit: limitField,
  NextToken: nextTokenField,
});

export async function listConnections(ctx: OrgContext, input: z.input<typeof listConnectionsInput> = {}) {
  requirePermission(ctx, "resources.view");
  const v = parseEventsInput(listConnectionsInput, input);
  // Every Batchdeck connection is AUTHORIZED: no token exchange can fail.
  if (v.ConnectionState !== undefined && v.ConnectionState !== "AUTHORIZED") return { Connections: [] };
  const limit = v.Limit ?? 100;
  const after = afterToken(v.NextToken);
  const rows = await ctx.db.eventConnection.findMany({
    where: { organizationId: ctx.organizationId, ...nameWhere(ctx.db, v.NamePrefix, after) },
    orderBy: { name: "asc" },
    take: limit + 1,
  });
  const { page, nextToken } = pageOf(rows, limit);
  return {
    Connections: page.map((c) => ({
      ConnectionArn: c.arn,
      Name: c.name,
      ConnectionState: "AUTHORIZED",
      AuthorizationType: c.authorizationType,
      ...connectionTimes(c),
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** Refused while an API destination uses the connection. */
export async function deleteConnection(ctx: OrgContext, input: NameInput) {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(nameInput, input);
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    const c = await findConnection(tx, organizationId, v.Name);
    const users = await tx.apiDestination.findMany({
      where: { organizationId, connectionId: c.id },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    if (users.length > 0) {
      throw invalid(
        `Connection ${c.name} is used by API destination ${users.map((u) => u.name).join(", ")}; delete ${users.length === 1 ? "it" : "them"} first.`,
      );
    }
    await tx.eventConnection.delete({ where: { id: c.id } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "eventConnection.delete",
      targetType: "eventConnection",
      targetId: c.arn,
    });
    return { ConnectionArn: c.arn, ConnectionState: "DELETING", ...connectionTimes(c) };
  });
}

// ---- API destinations -------------------------------------------------------------------------

export const createApiDestinationInput = z.object({
  Name: eventsName("Name"),
  Description: text("Description", 512, 0).optional(),
  ConnectionArn: text("ConnectionArn", 1600),
  InvocationEndpoint: text("InvocationEndpoint", 2048),
  HttpMethod: text("HttpMethod", 16),
  // Accepted for compatibility; Batchdeck's deliveries are paced by the engine, not per destination.
  InvocationRateLimitPerSecond: wholeNumber("InvocationRateLimitPerSecond", 1, 300).optional(),
});
export type CreateApiDestinationInput = z.input<typeof createApiDestinationInput>;

/** The early refusals; delivery checks the addresses it actually connects to (webhook.ts). */
export function checkInvocationEndpoint(endpoint: string, hosted = env().BATCHDECK_HOSTED): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid("InvocationEndpoint must be an absolute URL.");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && !hosted)) {
    throw invalid(
      hosted
        ? "InvocationEndpoint must be an https:// URL."
        : "InvocationEndpoint must be an https:// (or http://) URL.",
    );
  }
  if (url.username || url.password) {
    throw invalid("InvocationEndpoint must not carry credentials: put them in the connection.");
  }
  if (!hosted) return;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const local = host === "localhost" || host.endsWith(".localhost");
  if (local || (isIP(host) !== 0 && isForbiddenAddress(host))) {
    throw invalid(
      "InvocationEndpoint points at a private, loopback or link-local address, which hosted Batchdeck does not connect to.",
    );
  }
}

type DestinationRow = {
  id: string;
  name: string;
  arn: string;
  description: string | null;
  invocationEndpoint: string;
  httpMethod: string;
  state: string;
  createdAt: bigint;
  updatedAt: bigint;
  connection: { arn: string };
};

function destinationOutput(d: DestinationRow) {
  return {
    ApiDestinationArn: d.arn,
    Name: d.name,
    ...(d.description !== null ? { Description: d.description } : {}),
    ApiDestinationState: d.state,
    ConnectionArn: d.connection.arn,
    InvocationEndpoint: d.invocationEndpoint,
    HttpMethod: d.httpMethod,
    CreationTime: epochSeconds(d.createdAt),
    LastModifiedTime: epochSeconds(d.updatedAt),
  };
}

/** A new signing secret: 32 random bytes, base64url. */
const newSigningSecret = () => newToken(32);

export async function createApiDestination(ctx: OrgContext, input: CreateApiDestinationInput, now = Date.now()) {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(createApiDestinationInput, input);
  if (v.HttpMethod !== "POST") {
    throw invalid(`HttpMethod ${v.HttpMethod} is not supported by Batchdeck: deliveries are JSON POSTs.`);
  }
  checkInvocationEndpoint(v.InvocationEndpoint);
  const { organizationId } = ctx;
  const id = newId();
  const secret = newSigningSecret();
  const sealed = encryptSecret(secret, { context: signingSecretContext(id) });
  const exists = () => conflict(`An API destination named ${v.Name} already exists.`);
  try {
    return await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
      const connection = await tx.eventConnection.findFirst({
        where: { organizationId, arn: v.ConnectionArn },
        select: { id: true, name: true },
      });
      if (!connection) throw new AppError("NOT_FOUND", `Connection ${v.ConnectionArn} does not exist.`);
      const taken = await tx.apiDestination.findUnique({
        where: { organizationId_name: { organizationId, name: v.Name } },
        select: { id: true },
      });
      if (taken) throw exists();
      const arn = eventsArn(await accountIdOf(tx, organizationId), `api-destination/${v.Name}/${id}`);
      await tx.apiDestination.create({
        data: {
          id,
          organizationId,
          name: v.Name,
          arn,
          description: v.Description ?? null,
          connectionId: connection.id,
          invocationEndpoint: v.InvocationEndpoint,
          httpMethod: v.HttpMethod,
          signingSecretSealed: sealed,
          state: "ACTIVE",
          createdAt: BigInt(now),
          updatedAt: BigInt(now),
        },
      });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "apiDestination.create",
        targetType: "apiDestination",
        targetId: arn,
        details: { invocationEndpoint: v.InvocationEndpoint, connection: connection.name },
      });
      return {
        ApiDestinationArn: arn,
        ApiDestinationState: "ACTIVE",
        CreationTime: epochSeconds(now),
        LastModifiedTime: epochSeconds(now),
        // Batchdeck's: the HMAC-SHA256 key deliveries are signed with, shown only here.
        SigningSecret: secret,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}

async function findDestination(db: DbOrTx, organizationId: string, name: string) {
  const row = await db.apiDestination.findUnique({
    where: { organizationId_name: { organizationId, name } },
    include: { connection: { select: { arn: true, name: true, authorizationType: true } } },
  });
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`,
    );
  return row;
}

export async function describeApiDestination(ctx: OrgContext, input: NameInput) {
  requirePermission(ctx, "resources.view");
  const v = parseEventsInput(nameInput, input);
  return destinationOutput(await findDestination(ctx.db, ctx.organizationId, v.Name));
}

const listApiDestinationsInput = z.object({
  NamePrefix: text("NamePrefix", 64).optional(),
  ConnectionArn: text("ConnectionArn", 1600).optional(),
  Limit: limitField,
  NextToken: nextTokenField,
});

export async function listApiDestinations(ctx: OrgContext, input: z.input<typeof listApiDestinationsInput> = {}) {
  requirePermission(ctx, "resources.view");
  const v = parseEventsInput(listApiDestinationsInput, input);
  const limit = v.Limit ?? 100;
  const after = afterToken(v.NextToken);
  const rows = await ctx.db.apiDestination.findMany({
    where: {
      organizationId: ctx.organizationId,
      ...nameWhere(ctx.db, v.NamePrefix, after),
      ...(v.ConnectionArn ? { connection: { arn: v.ConnectionArn } } : {}),
    },
    include: { connection: { select: { arn: true } } },
    orderBy: { name: "asc" },
    take: limit + 1,
  });
  const { page, nextToken } = pageOf(rows, limit);
  return {
    ApiDestinations: page.map(destinationOutput),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** Refused while a rule targets the destination. */
export async function deleteApiDestination(ctx: OrgContext, input: NameInput): Promise<void> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(nameInput, input);
  const { organizationId } = ctx;
  await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    const d = await findDestination(tx, organizationId, v.Name);
    const uses = await tx.eventTarget.findMany({
      where: { organizationId, arn: d.arn },
      select: { targetId: true, rule: { select: { name: true } } },
    });
    if (uses.length > 0) {
      const rules = [...new Set(uses.map((u) => u.rule.name))].sort();
      throw invalid(
        `API destination ${d.name} is a target of rule ${rules.join(", ")}; remove ${uses.length === 1 ? "that target" : "those targets"} first.`,
      );
    }
    await tx.apiDestination.delete({ where: { id: d.id } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "apiDestination.delete",
      targetType: "apiDestination",
      targetId: d.arn,
    });
  });
}

/** Batchdeck's: a new signing secret, returned once; deliveries from now on are signed with it. */
export async function rotateApiDestinationSecret(ctx: OrgContext, name: string, now = Date.now()): Promise<string> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(nameInput, { Name: name });
  const { organizationId } = ctx;
  const secret = newSigningSecret();
  await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    const d = await findDestination(tx, organizationId, v.Name);
    await tx.apiDestination.update({
      where: { id: d.id },
      data: {
        signingSecretSealed: encryptSecret(secret, { context: signingSecretContext(d.id) }),
        updatedAt: BigInt(now),
      },
    });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "apiDestination.rotateSecret",
      targetType: "apiDestination",
      targetId: d.arn,
    });
  });
  return secret;
}

// ---- Console ------------------------------------------------------------------------------------

export interface ApiDestinationConsoleView {
  name: string;
  arn: string;
  description: string | null;
  state: string;
  stateReason: string | null;
  invocationEndpoint: string;
  httpMethod: string;
  connection: { name: string; arn: string; authorizationType: string };
  /** The rules (and their target ids) that send to it. */
  usedBy: { rule: string; targetId: string }[];
  createdAt: number;
  updatedAt: number;
}

export async function listApiDestinationsForConsole(ctx: OrgContext): Promise<ApiDestinationConsoleView[]> {
  requirePermission(ctx, "resources.view");
  const { organizationId } = ctx;
  const [rows, targets] = await Promise.all([
    ctx.db.apiDestination.findMany({
      where: { organizationId },
      include: { connection: { select: { name: true, arn: true, authorizationType: true } } },
      orderBy: { name: "asc" },
    }),
    ctx.db.eventTarget.findMany({
      where: { organizationId, kind: "WEBHOOK" },
      select: { arn: true, targetId: true, rule: { select: { name: true } } },
    }),
  ]);
  return rows.map((d) => ({
    name: d.name,
    arn: d.arn,
    description: d.description,
    state: d.state,
    stateReason: d.stateReason,
    invocationEndpoint: d.invocationEndpoint,
    httpMethod: d.httpMethod,
    connection: d.connection,
    usedBy: targets
      .filter((t) => t.arn === d.arn)
      .map((t) => ({ rule: t.rule.name, targetId: t.targetId }))
      .sort((a, b) => a.rule.localeCompare(b.rule) || a.targetId.localeCompare(b.targetId)),
    createdAt: Number(d.createdAt),
    updatedAt: Number(d.updatedAt),
  }));
}
