// SubmitJob and friends name a definition as `name` (latest ACTIVE revision), `name:revision`
// or an ARN with or without the revision. The row is returned whatever its status when a
// revision is named, so the caller can say "is INACTIVE" rather than "does not exist"; a bare
// name only ever picks an ACTIVE revision, as AWS does.
import type { JobDefinition } from "@/generated/sqlite/client";
import { jobDefinitionArn, looksLikeArn, parseArn } from "@/lib/batch/arn";
import { type RawSql, rawSql } from "@/lib/db/direct";
import { type RawBoolean, type RawDate, rawBoolean, rawDateRequired } from "@/lib/db/raw";
import { AppError, invalid } from "@/lib/errors";
import { accountIdOf } from "../account";

export type JobDefinitionRow = JobDefinition;

export interface JobDefinitionRef {
  name: string;
  /** Absent: the latest ACTIVE revision. */
  revision?: number;
}

/** Parses `name`, `name:revision` or an ARN; the ARN's account is checked against the organization. */
export async function parseJobDefinitionRef(
  db: RawSql,
  organizationId: string,
  ref: string,
): Promise<JobDefinitionRef> {
  if (looksLikeArn(ref)) {
    const parsed = parseArn(ref);
    if (!parsed || parsed.resourceType !== "job-definition") {
      throw invalid(`${ref} is not a valid job definition ARN.`);
    }
    if (parsed.accountId !== (await accountIdOf(db, organizationId))) throw missing(ref);
    return { name: parsed.name, revision: parsed.revision };
  }
  const colon = ref.indexOf(":");
  const name = colon === -1 ? ref : ref.slice(0, colon);
  if (name.length === 0) throw invalid(`jobDefinition: "${ref}" is not a job definition name, name:revision or ARN.`);
  if (colon === -1) return { name };
  const rev = ref.slice(colon + 1);
  if (!/^[1-9]\d{0,9}$/.test(rev)) {
    throw invalid(`jobDefinition: revision "${rev}" in "${ref}" must be a positive integer.`);
  }
  return { name, revision: Number(rev) };
}

type RawJobDefinition = Omit<JobDefinition, "propagateTags" | "createdAt"> & {
  propagateTags: RawBoolean;
  createdAt: RawDate;
};

/**
 * The definition a reference names. Every SubmitJob reads one, so it is one raw statement
 * (Prisma's builder compiles each query afresh, and that costs more than the read).
 */
export async function resolveJobDefinition(db: RawSql, organizationId: string, ref: string): Promise<JobDefinitionRow> {
  const { name, revision } = await parseJobDefinitionRef(db, organizationId, ref);
  const sql = rawSql(db);
  const [raw] =
    revision === undefined
      ? await sql.$queryRaw<RawJobDefinition[]>`
          SELECT * FROM "JobDefinition"
          WHERE "organizationId" = ${organizationId} AND "name" = ${name} AND "status" = 'ACTIVE'
          ORDER BY "revision" DESC LIMIT 1`
      : await sql.$queryRaw<RawJobDefinition[]>`
          SELECT * FROM "JobDefinition"
          WHERE "organizationId" = ${organizationId} AND "name" = ${name} AND "revision" = ${revision}`;
  const row: JobDefinitionRow | undefined = raw && {
    ...raw,
    propagateTags: rawBoolean(raw.propagateTags),
    createdAt: rawDateRequired(raw.createdAt, "JobDefinition.createdAt"),
  };
  if (row) return row;
  if (revision !== undefined) {
    throw missing(looksLikeArn(ref) ? ref : jobDefinitionArn(await accountIdOf(db, organizationId), name, revision));
  }
  throw new AppError(
    "NOT_FOUND",
    `Job definition ${name} has no ACTIVE revision (job-definition/${name} does not exist)`,
  );
}

const missing = (what: string) => new AppError("NOT_FOUND", `${what} does not exist`);
