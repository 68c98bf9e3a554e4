import { describe, expect, it } from "vitest";
import { parseValueFrom } from "./value-from";

const own = { accountId: "123456789012", region: "us-east-1" };
const sm = (rest: string, account = own.accountId, region = own.region) =>
  `arn:aws:secretsmanager:${region}:${account}:secret:${rest}`;
const ssm = (rest: string, account = own.accountId, region = own.region) =>
  `arn:aws:ssm:${region}:${account}:parameter/${rest}`;

describe("parseValueFrom", () => {
  const found: [string, string[], string?][] = [
    ["db-password", ["db-password"]],
    ["/prod/db", ["/prod/db"]],
    [sm("db-password"), ["db-password"]],
    // AWS's random suffix: the exact name first, then the name without it.
    [sm("db-password-a1B2c3"), ["db-password-a1B2c3", "db-password"]],
    // Too short to carry a suffix besides a name.
    [sm("-a1B2c3"), ["-a1B2c3"]],
    [sm("app/config:user::"), ["app/config"], "user"],
    [sm("app/config-Xy12Ab:user::"), ["app/config-Xy12Ab", "app/config"], "user"],
    [sm("app/config:user:AWSCURRENT:"), ["app/config"], "user"],
    [sm("app/config:::"), ["app/config"]],
    [sm("app/config::AWSCURRENT:"), ["app/config"]],
    [ssm("flat"), ["flat", "/flat"]],
    [ssm("prod/db/password"), ["prod/db/password", "/prod/db/password"]],
    ["arn:aws-us-gov:ssm:us-east-1:123456789012:parameter/x", ["x", "/x"]],
  ];
  it.each(found)("%s → %j %s", (valueFrom, candidates, jsonKey) => {
    expect(parseValueFrom(valueFrom, own)).toEqual(
      jsonKey ? { ok: true, candidates, jsonKey } : { ok: true, candidates },
    );
  });

  const refused: [string, RegExp][] = [
    [sm("db", "210987654321"), /belongs to account 210987654321, not this organization's \(123456789012\)/],
    [ssm("db", "210987654321"), /belongs to account 210987654321/],
    [sm("db", own.accountId, "eu-west-1"), /is in region eu-west-1; this organization's secrets are in us-east-1/],
    [sm("db:user:AWSPREVIOUS:"), /only the current value/],
    [sm("db:user::b8c2a7f0-0000-4000-8000-000000000000"), /only the current value/],
    [sm("db:a:b:c:d"), /not a Secrets Manager secret ARN/],
    [sm(""), /not a Secrets Manager secret ARN/],
    [`arn:aws:secretsmanager:us-east-1:${own.accountId}:db`, /not a Secrets Manager secret ARN/],
    [`arn:aws:ssm:us-east-1:${own.accountId}:parameter/`, /not an SSM parameter ARN/],
    [`arn:aws:ssm:us-east-1:${own.accountId}:document/x`, /not an SSM parameter ARN/],
    ["arn:aws:s3:::bucket/key", /not a Secrets Manager secret or SSM parameter ARN/],
    ["arn:aws:secretsmanager:us-east-1:12345:secret:db", /not a Secrets Manager secret or SSM parameter ARN/],
  ];
  it.each(refused)("refuses %s", (valueFrom, problem) => {
    const ref = parseValueFrom(valueFrom, own);
    expect(ref.ok).toBe(false);
    expect(ref.ok ? "" : ref.problem).toMatch(problem);
  });
});
