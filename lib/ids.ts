import { randomBytes, randomUUID } from "node:crypto";

/** Opaque, sortable-enough identifiers for rows that AWS does not give a shape to. */
export const newId = () => randomUUID();

/**
 * A job's id: a UUID (version 7, RFC 9562) whose order is its submission order within this
 * process. The queue is first in, first out by createdAt, and jobs submitted in the same
 * millisecond (one group-commit batch shares its timestamp, and a submission takes well under a
 * millisecond) are ordered by id (lib/batch/placement.ts): a random id ran them in any order.
 * The 12 bits after the millisecond timestamp count up within a millisecond (from a random
 * start below half their range); if they run out, the timestamp moves on by one.
 */
export function newJobId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = randomBytes(2).readUInt16BE(0) & 0x7ff;
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
let lastMs = 0;
let counter = 0;

/** URL-safe random token (sessions, invitations). */
export const newToken = (bytes = 32) => randomBytes(bytes).toString("base64url");
