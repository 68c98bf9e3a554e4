// The first read of every console request: the caller's session, user and membership. One raw
// statement (lib/auth/session.ts readSession) against the Prisma-built pair it replaced (the
// session with its user, then the memberships), measured in the same run on the same database.
// Under load the web server is CPU-bound and Prisma compiles every query it builds, so CPU time
// per read is the figure that matters; wall time is printed beside it. The two alternate in
// rounds (the baseline first in odd rounds, readSession first in even ones), so neither gets
// the quieter or the warmer machine.
//
//   node --import tsx bench/session-read.ts [--reads 5000] [--rounds 10] [--postgres [--pg-fsync-off]]
import { parseArgs } from "node:util";
import { resolveMembership } from "@/lib/auth/context";
import { createSession, hashToken, readSession } from "@/lib/auth/session";
import type { Db } from "@/lib/db";
import { addMembership, createOrgWithAdmin, createUser } from "@/tests/helpers/fixtures";
import { openDatabase, run } from "./lib/harness";
import { databaseSettings } from "./lib/settings";

const { values } = parseArgs({
  options: {
    reads: { type: "string", default: "5000" },
    rounds: { type: "string", default: "10" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const READS = Number(values.reads);
const ROUNDS = Number(values.rounds);

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

/** One way of reading, over every round it ran. */
interface Way {
  label: string;
  read: () => Promise<unknown>;
  reads: number;
  wallMs: number;
  cpuMs: number;
}

async function measure(way: Way, reads: number) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < reads; i++) await way.read();
  way.wallMs += performance.now() - start;
  const used = process.cpuUsage(cpu);
  way.cpuMs += (used.user + used.system) / 1000;
  way.reads += reads;
}

function print(way: Way): number {
  const cpuPerRead = way.cpuMs / way.reads;
  console.log(
    `${way.label.padEnd(36)} ${(way.wallMs / way.reads).toFixed(3)} ms wall, ${cpuPerRead.toFixed(3)} ms CPU per read`,
  );
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
    console.log(`${await databaseSettings(db, provider)}`);
    console.log(`${READS} reads each, one at a time, in ${ROUNDS} alternating rounds`);
    const prisma: Way = {
      label: "Prisma-built (session, memberships)",
      read: () => prismaBuiltRead(db, token),
      reads: 0,
      wallMs: 0,
      cpuMs: 0,
    };
    const oneRaw: Way = {
      label: "one raw statement (readSession)",
      read: () => readSession(db, token, 1),
      reads: 0,
      wallMs: 0,
      cpuMs: 0,
    };
    // Warm both: statements prepared, plans compiled once.
    for (const way of [prisma, oneRaw]) for (let i = 0; i < 200; i++) await way.read();
    for (let r = 0; r < ROUNDS; r++) {
      const reads = Math.floor(READS / ROUNDS) + (r < READS % ROUNDS ? 1 : 0);
      for (const way of r % 2 === 0 ? [prisma, oneRaw] : [oneRaw, prisma]) await measure(way, reads);
    }
    const baseline = print(prisma);
    const raw = print(oneRaw);
    console.log(`CPU per read: ${(baseline / raw).toFixed(2)}× less than the baseline`);
  } finally {
    await close();
  }
}

run(main);
