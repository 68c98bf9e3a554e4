import { randomBytes, randomUUID } from "node:crypto";

/** Opaque, sortable-enough identifiers for rows that AWS does not give a shape to. */
export const newId = () => randomUUID();

/** URL-safe random token (sessions, invitations). */
export const newToken = (bytes = 32) => randomBytes(bytes).toString("base64url");
