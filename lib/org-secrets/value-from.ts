// What a job's `secrets[].valueFrom` names, in the forms AWS Batch users write (pure; the lookup
// is resolve-job-secrets.ts):
//
//   form                                                     secrets tried, in order
//   <name>                                                   <name>
//   arn:aws:secretsmanager:<region>:<account>:secret:<n>     <n>, then <n> less a "-XXXXXX" suffix
//   arn:…:secret:<n>:<json-key>:<version-stage>:<version-id> as above; the value's <json-key>
//   arn:aws:ssm:<region>:<account>:parameter/<n>             <n>, then /<n>
//
// AWS appends "-" and 6 random characters to a secret's name in its ARN, so ARNs copied from AWS
// carry it and ARNs written by hand often do not: both are accepted, an exact name first. An SSM
// parameter "/a/b" has the ARN "parameter/a/b", the same as a parameter "a/b" would, hence both.
// Only the current value is kept, so a version stage other than AWSCURRENT or a version id is
// refused rather than answered with the wrong value. The region and account must be the
// organization's own: an ARN of another account is refused, never looked up elsewhere.

export type ValueFromRef = { ok: true; candidates: string[]; jsonKey?: string } | { ok: false; problem: string };

const ARN = /^arn:(aws[a-z-]*):(secretsmanager|ssm):([a-z0-9-]*):(\d{12}):(.*)$/;
/** The suffix AWS adds to a secret's name in its ARN. */
const AWS_SUFFIX = /-[A-Za-z0-9]{6}$/;

export function parseValueFrom(valueFrom: string, own: { accountId: string; region: string }): ValueFromRef {
  if (!valueFrom.startsWith("arn:")) return { ok: true, candidates: [valueFrom] };
  const m = ARN.exec(valueFrom);
  if (!m) return { ok: false, problem: "is not a Secrets Manager secret or SSM parameter ARN" };
  const [, , service = "", region = "", accountId = "", resource = ""] = m;
  if (accountId !== own.accountId) {
    return { ok: false, problem: `belongs to account ${accountId}, not this organization's (${own.accountId})` };
  }
  if (region !== own.region) {
    return {
      ok: false,
      problem: `is in region ${region || "(none)"}; this organization's secrets are in ${own.region}`,
    };
  }
  return service === "ssm" ? parameterRef(resource) : secretRef(resource);
}

function secretRef(resource: string): ValueFromRef {
  if (!resource.startsWith("secret:")) return { ok: false, problem: "is not a Secrets Manager secret ARN" };
  // Names cannot hold ":", so the fields after the name split cleanly.
  const [name = "", jsonKey = "", stage = "", versionId = "", ...extra] = resource.slice("secret:".length).split(":");
  if (!name || extra.length > 0) return { ok: false, problem: "is not a Secrets Manager secret ARN" };
  if ((stage && stage !== "AWSCURRENT") || versionId) {
    return { ok: false, problem: "asks for a version: only the current value of a secret is kept" };
  }
  const candidates = [name];
  if (AWS_SUFFIX.test(name) && name.length > 7) candidates.push(name.slice(0, -7));
  return jsonKey ? { ok: true, candidates, jsonKey } : { ok: true, candidates };
}

function parameterRef(resource: string): ValueFromRef {
  if (!resource.startsWith("parameter/") || resource.length === "parameter/".length) {
    return { ok: false, problem: "is not an SSM parameter ARN" };
  }
  const name = resource.slice("parameter/".length);
  return { ok: true, candidates: name.startsWith("/") ? [name] : [name, `/${name}`] };
}
