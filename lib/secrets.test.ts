import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decryptSecret,
  encryptSecret,
  type Keyring,
  keyringFrom,
  loadOrCreateKeyFile,
  needsReencryption,
  parseSecretKey,
} from "./secrets";

const raw = randomBytes(32);
const ring = (primary: Buffer, ...previous: Buffer[]): Keyring => ({
  primary: parseSecretKey(primary.toString("hex")),
  previous: previous.map((k) => parseSecretKey(k.toString("base64"))),
});

describe("parseSecretKey", () => {
  it.each([
    ["hex", raw.toString("hex")],
    ["base64", raw.toString("base64")],
    ["base64url", raw.toString("base64url")],
    ["base64 with a trailing newline", `${raw.toString("base64")}\n`],
  ])("accepts %s", (_label, text) => {
    expect(parseSecretKey(text).key.equals(raw)).toBe(true);
  });

  it.each([
    ["too short", randomBytes(16).toString("base64"), /exactly 32 bytes; got 16/],
    ["too long", randomBytes(48).toString("hex"), /exactly 32 bytes/],
    ["not an encoding", "this is not a key!", /64 hex characters or base64/],
  ])("refuses a key that is %s", (_label, text, message) => {
    expect(() => parseSecretKey(text)).toThrow(message);
  });
});

describe("encryptSecret / decryptSecret", () => {
  const keyring = ring(raw);

  it("round-trips and never stores the plaintext", () => {
    const sealed = encryptSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", { keyring, context: "AKIA1" });
    expect(sealed).not.toContain("wJalrXUtnFEMI");
    expect(sealed.split(".")[0]).toBe("v1");
    expect(sealed.split(".")[1]).toBe(keyring.primary.id);
    expect(decryptSecret(sealed, { keyring, context: "AKIA1" })).toBe("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", { keyring })).not.toBe(encryptSecret("same", { keyring }));
  });

  it("refuses a tampered ciphertext, tag or IV", () => {
    const sealed = encryptSecret("secret value", { keyring });
    const parts = sealed.split(".");
    for (const index of [2, 3, 4]) {
      const copy = [...parts];
      const bytes = Buffer.from(copy[index] as string, "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      copy[index] = bytes.toString("base64url");
      expect(() => decryptSecret(copy.join("."), { keyring })).toThrow(/altered/);
    }
  });

  it("refuses a value moved to another context", () => {
    const sealed = encryptSecret("secret value", { keyring, context: "AKIAONE" });
    expect(() => decryptSecret(sealed, { keyring, context: "AKIATWO" })).toThrow(/altered or belongs elsewhere/);
  });

  it("refuses a value sealed with a key that is not configured", () => {
    const sealed = encryptSecret("secret value", { keyring: ring(randomBytes(32)) });
    expect(() => decryptSecret(sealed, { keyring })).toThrow(/not configured/);
  });

  it("refuses an unknown format", () => {
    expect(() => decryptSecret("plain text", { keyring })).toThrow(/unknown format/);
    expect(() => decryptSecret("v2.a.b.c.d", { keyring })).toThrow(/unknown format/);
  });

  it("opens values sealed with a previous key after rotation and flags them for re-encryption", () => {
    const oldKey = randomBytes(32);
    const sealedOld = encryptSecret("before rotation", { keyring: ring(oldKey) });
    const rotated = ring(raw, oldKey);
    expect(decryptSecret(sealedOld, { keyring: rotated })).toBe("before rotation");
    expect(needsReencryption(sealedOld, rotated)).toBe(true);
    expect(needsReencryption(encryptSecret("after", { keyring: rotated }), rotated)).toBe(false);
  });
});

describe("the key file", () => {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-secret-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is generated once with mode 0600 and then reused", () => {
    const dataDir = join(dir, "data");
    const first = loadOrCreateKeyFile(dataDir);
    const file = join(dataDir, "secret.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(readFileSync(file, "utf8")).id).toBe(first.id);
    expect(loadOrCreateKeyFile(dataDir).key.equals(first.key)).toBe(true);
  });

  it("is not used when BATCHDECK_SECRET_KEY is set", () => {
    const keyring = keyringFrom({ secretKey: raw.toString("base64"), dataDir: join(dir, "unused") });
    expect(keyring.primary.key.equals(raw)).toBe(true);
    expect(() => statSync(join(dir, "unused", "secret.key"))).toThrow();
  });

  it("reads previous keys from a comma-separated list", () => {
    const old = randomBytes(32);
    const keyring = keyringFrom({
      secretKey: raw.toString("hex"),
      previousKeys: ` ${old.toString("hex")} ,`,
      dataDir: dir,
    });
    expect(keyring.previous.map((k) => k.key.toString("hex"))).toEqual([old.toString("hex")]);
  });
});
