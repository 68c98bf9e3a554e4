// A webhook rule written straight into the database, for tests and benchmarks of what the engine
// does with it (routing, delivery): a connection (with an API key header when given), an API
// destination to `url` whose signing secret is `secret`, and an enabled rule with `pattern`
// targeting it. The EventBridge API that creates these is tested on its own.
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";
import { encryptSecret } from "@/lib/secrets";

export interface WebhookRuleSeed {
  url: string;
  secret: string;
  pattern: unknown;
  /** Rule name; the connection and destination are named after it. */
  name?: string;
  /** An API key header the connection sends with each delivery. */
  header?: { name: string; value: string };
}

export async function seedWebhookRule(db: Db, organizationId: string, seed: WebhookRuleSeed) {
  const name = seed.name ?? "notify";
  const now = BigInt(Date.now());
  const connectionId = newId();
  await db.eventConnection.create({
    data: {
      id: connectionId,
      organizationId,
      name: `c-${name}`,
      arn: `arn:aws:events:us-east-1:000000000000:connection/c-${name}/${connectionId}`,
      authorizationType: "API_KEY",
      authHeaderName: seed.header?.name ?? null,
      authHeaderSealed: seed.header
        ? encryptSecret(seed.header.value, { context: `event-connection:${connectionId}` })
        : null,
      createdAt: now,
      updatedAt: now,
    },
  });
  const destinationId = newId();
  const destinationArn = `arn:aws:events:us-east-1:000000000000:api-destination/hook-${name}/${destinationId}`;
  await db.apiDestination.create({
    data: {
      id: destinationId,
      organizationId,
      name: `hook-${name}`,
      arn: destinationArn,
      connectionId,
      invocationEndpoint: seed.url,
      signingSecretSealed: encryptSecret(seed.secret, { context: `api-destination:${destinationId}` }),
      createdAt: now,
      updatedAt: now,
    },
  });
  const ruleId = newId();
  await db.eventRule.create({
    data: {
      id: ruleId,
      organizationId,
      name,
      arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
      eventPattern: JSON.stringify(seed.pattern),
      createdAt: now,
      updatedAt: now,
      targets: {
        create: [
          { id: newId(), organizationId, targetId: "hook", arn: destinationArn, kind: "WEBHOOK", createdAt: now },
        ],
      },
    },
  });
  return { destinationId, destinationArn, ruleId };
}
