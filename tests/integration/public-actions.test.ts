// The server actions anyone may call before signing in (lib/auth/public-action.ts): sign-in,
// sign-up and accepting an invitation. Each answers a malformed form with field errors and
// writes nothing; sign-up refuses everything while it is turned off; each signs its user in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  executePublicAction,
  type PublicActionDefinition,
  publicActionRegistry,
  publicContextFor,
} from "@/lib/auth/public-action";
import { readSession } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { addMember } from "@/lib/members/add-member";
import { freshDatabase, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

const PASSWORD = "correct horse battery"; // every test user's (tests/helpers/fixtures.ts)

describe("public actions (SQLite)", () => {
  let t: TestDatabase;
  const action = (name: string) => {
    const def = publicActionRegistry.get(name);
    if (!def) throw new Error(`no public action ${name}`);
    return def;
  };
  const ctx = () => publicContextFor(t.db, { clientAddress: "198.51.100.20", sessionDays: 1 });
  const counts = async () => [await t.db.user.count(), await t.db.session.count(), await t.db.organization.count()];

  beforeAll(async () => {
    for (const load of Object.values(import.meta.glob("/app/**/actions.ts"))) await load();
    t = await freshDatabase("sqlite");
  });
  afterAll(async () => {
    await t.close();
  });

  it("are sign-in, sign-up and accepting an invitation", () => {
    expect([...publicActionRegistry.keys()].sort()).toEqual(["acceptInvitation", "signIn", "signUp"]);
  });

  it("refuse malformed forms with every field's error, writing nothing", async () => {
    await createOrgWithAdmin(t.db, "Garbage");
    const before = await counts();
    const garbage: unknown[] = [{}, { email: 7, password: ["x"], name: null, token: {} }, new FormData(), "text", null];
    for (const def of publicActionRegistry.values()) {
      const open: PublicActionDefinition = { ...def, refuse: undefined };
      for (const input of garbage) {
        const error = await executePublicAction(open, ctx(), input).catch((e: unknown) => e);
        expect(error, `${def.name} ${JSON.stringify(input)}`).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe("INVALID_INPUT");
        expect(Object.keys((error as AppError).fieldErrors ?? {}).length).toBeGreaterThan(0);
      }
    }
    expect(await counts()).toEqual(before);
  });

  it("sign-up refuses everything while it is turned off, before it reads the form", async () => {
    const before = await counts();
    const form = { name: "N", email: "off@example.com", password: "long enough pw", organization: "Off" };
    for (const input of [form, {}]) {
      await expect(executePublicAction(action("signUp"), ctx(), input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await counts()).toEqual(before);
  });

  it("each signs its user in", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Signed");
    const signedIn = await executePublicAction(action("signIn"), ctx(), { email: admin.email, password: PASSWORD });
    expect((await readSession(t.db, signedIn.token, 1))?.membership?.organizationId).toBe(organizationId);

    const signUp = { ...action("signUp"), refuse: undefined };
    const signedUp = await executePublicAction(signUp, ctx(), {
      name: "New Admin",
      email: "new-admin@example.com",
      password: "long enough pw",
      organization: "Fresh",
    });
    const fresh = await readSession(t.db, signedUp.token, 1);
    expect(fresh?.user.email).toBe("new-admin@example.com");
    expect(fresh?.membership?.role).toBe("admin");

    const invited = await addMember(contextFor(t.db, organizationId, admin, "admin"), {
      email: "joiner@example.com",
      role: "developer",
    });
    const token = invited.invitationPath.split("/").pop() ?? "";
    const joined = await executePublicAction(action("acceptInvitation"), ctx(), {
      account: "new",
      token,
      name: "Joiner",
      password: "long enough pw",
    });
    const member = await readSession(t.db, joined.token, 1);
    expect(member?.membership).toEqual({ organizationId, role: "developer" });
  });

  it("sign-in counts a wrong password against the client's address", async () => {
    const { admin } = await createOrgWithAdmin(t.db, "Wrong");
    await expect(
      executePublicAction(action("signIn"), ctx(), { email: admin.email, password: "not it" }),
    ).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const row = await t.db.rateLimit.findUnique({ where: { key: "sign-in:198.51.100.20" } });
    expect(row?.count).toBeGreaterThan(0);
  });
});
