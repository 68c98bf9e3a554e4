// The engine's half of containerProperties.secrets: each { name, valueFrom } becomes environment
// variable `name` with the value of the organization's secret that valueFrom names
// (value-from.ts). A job that asks for a secret it cannot have does not start: the answer is a
// status reason worded as AWS words it (ResourceInitializationError…), at most 255 characters,
// naming the valueFrom and never a value. Values are returned, never logged.
import type { DbOrTx } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { accountIdOf } from "@/lib/resources/account";
import { SecretError } from "@/lib/secrets";
import { openOrgSecret } from "./seal";
import { parseValueFrom, type ValueFromRef } from "./value-from";

/** The values a job's `secrets` ask for, for the engine; never logged. */
export type SecretResolution = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

const PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: ";
const MAX_REASON = 255;

/** The reason for one valueFrom, shortened in the middle so the whole fits AWS's 255 characters. */
export function secretFailure(valueFrom: string, detail: (ref: string) => string): { ok: false; reason: string } {
  const full = PREFIX + detail(valueFrom);
  if (full.length <= MAX_REASON) return { ok: false, reason: full };
  const room = Math.max(MAX_REASON - (PREFIX + detail("")).length - 1, 8);
  const head = Math.ceil(room / 3);
  const shortened = `${valueFrom.slice(0, head)}…${valueFrom.slice(valueFrom.length - (room - head))}`;
  return { ok: false, reason: (PREFIX + detail(shortened)).slice(0, MAX_REASON) };
}

const notFound = (valueFrom: string) =>
  secretFailure(valueFrom, (ref) => `secret ${ref} not found in organization secrets`);

interface Row {
  id: string;
  organizationId: string;
  name: string;
  valueSealed: string;
}

/**
 * Throws only when the database does (or the organization is gone); every problem with the
 * secrets themselves is an answer. The first secret that cannot be resolved is the one reported.
 */
export async function resolveJobSecrets(
  db: DbOrTx,
  organizationId: string,
  secrets: { name: string; valueFrom: string }[],
): Promise<SecretResolution> {
  if (secrets.length === 0) return { ok: true, values: {} };
  const own = { accountId: await accountIdOf(db, organizationId), region: env().BATCHDECK_AWS_REGION };
  const refs: [{ name: string; valueFrom: string }, ValueFromRef][] = secrets.map((s) => [
    s,
    parseValueFrom(s.valueFrom, own),
  ]);
  for (const [s, ref] of refs) {
    if (!ref.ok) return secretFailure(s.valueFrom, (r) => `secret ${r} ${ref.problem}`);
  }

  const names = [...new Set(refs.flatMap(([, ref]) => (ref.ok ? ref.candidates : [])))];
  const rows: Row[] = await db.orgSecret.findMany({
    where: { organizationId, name: { in: names } },
    select: { id: true, organizationId: true, name: true, valueSealed: true },
  });
  const byName = new Map(rows.map((r) => [r.name, r]));
  const opened = new Map<string, string>();

  const entries: [string, string][] = [];
  for (const [s, ref] of refs) {
    if (!ref.ok) continue;
    const row = ref.candidates.map((n) => byName.get(n)).find((r) => r !== undefined);
    if (!row) return notFound(s.valueFrom);
    let value = opened.get(row.id);
    if (value === undefined) {
      try {
        value = openOrgSecret(row);
      } catch (error) {
        if (!(error instanceof SecretError)) throw error;
        // An operator's problem (the key was rotated away, or the row altered): say which secret.
        logger().warn("organization secret cannot be decrypted", {
          organizationId,
          name: row.name,
          reason: error.message,
        });
        return secretFailure(
          s.valueFrom,
          (r) =>
            `secret ${r} cannot be decrypted with this server's keys (was BATCHDECK_SECRET_KEY changed?); set its value again in Settings`,
        );
      }
      opened.set(row.id, value);
    }
    if (ref.jsonKey !== undefined) {
      const picked = jsonField(value, ref.jsonKey);
      if (!picked.ok) return secretFailure(s.valueFrom, (r) => `secret ${r} ${picked.problem}`);
      value = picked.value;
    }
    entries.push([s.name, value]);
  }
  // fromEntries defines own properties, so even a variable named __proto__ is an ordinary key.
  return { ok: true, values: Object.fromEntries(entries) };
}

/** One key of a JSON object value, as text. The parser's message quotes the text: never shown. */
function jsonField(text: string, key: string): { ok: true; value: string } | { ok: false; problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: "is not a JSON object, so it has no JSON key" };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, problem: "is not a JSON object, so it has no JSON key" };
  }
  if (!Object.hasOwn(parsed, key)) return { ok: false, problem: "has no such JSON key" };
  const field = (parsed as Record<string, unknown>)[key];
  return { ok: true, value: typeof field === "string" ? field : JSON.stringify(field) };
}
