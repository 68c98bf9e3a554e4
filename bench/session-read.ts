// The first read of every console request: the caller's session, user and membership. One raw
// statement (lib/auth/session.ts readSession) against the Prisma-built pair it replaced (the
// session with its user, then the memberships), measured in the same run on the same database.
// Under load the web server is CPU-bound and Prisma compiles every query it builds, so CPU time
// per read is the figure that matters; wall time is printed beside it.
//
//   node --import tsx bench/session-read.ts [--reads 5000] [--postgres]
import { parseArgs } from "node:util";
import { resolveMembership } from "@/lib/auth/context";
import { createSession, hashToken, readSession } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { addMembership, createOrgWithAdmin, createUser } from "@/tests/helpers/fixtures";
import { openDatabase, run } from "./lib/harness";

const { values } = parseArgs({
  options: { reads: { type: "string", default: "5000" }, postgres: { type: "boolean", default: false } },
});
const READS = Number(values.reads);

/** The two Prisma-built queries the request path made before (kept here as the baseline). */
async function prismaBuiltRead(db: Db, token: string) {
  const session = await db.session.findUnique({
    where: { id: hashToken(token) },
    select: {
      id: true,
      organizationId: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { id: true, email: true, name: true } },
    },
  });
  if (!session) return null;
  return resolveMembership(db, session.user.id, session.organizationId);
}

async function measure(label: string, read: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await read(); // warm: statements prepared, plans compiled once
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < READS; i++) await read();
  const wall = (performance.now() - start) / READS;
  const used = process.cpuUsage(cpu);
  const cpuPerRead = (used.user + used.system) / 1000 / READS;
  console.log(`${label.padEnd(36)} ${wall.toFixed(3)} ms wall, ${cpuPerRead.toFixed(3)} ms CPU per read`);
  return cpuPerRead;
}

async function main() {
  const { db, provider, close } = await openDatabase(values.postgres);
  try {
    // A member of three organizations whose session chose the second: the read must pick it.
    const orgs = [];
    for (let k = 0; k < 3; k++) orgs.push(await createOrgWithAdmin(db, `Bench ${k}`));
    const user = await createUser(db, "reader@example.com");
    for (const org of orgs) await addMembership(db, org.organizationId, user.id, "developer");
    const chosen = orgs[1]!.organizationId;
    const { token } = await createSession(db, { userId: user.id, organizationId: chosen, days: 1 });

    const one = await readSession(db, token, 1);
    const two = await prismaBuiltRead(db, token);
    if (one?.membership?.organizationId !== chosen || two?.organizationId !== chosen) {
      throw new Error("the two reads disagree on the session's organization");
    }
    console.log(`${provider}: ${READS} reads each, one at a time`);
    const baseline = await measure("Prisma-built (session, memberships)", () => prismaBuiltRead(db, token));
    const raw = await measure("one raw statement (readSession)", () => readSession(db, token, 1));
    console.log(`CPU per read: ${(baseline / raw).toFixed(2)}× less than the baseline`);
  } finally {
    await close();
  }
}

run(main);
