// Secrets at rest (access-key secrets now, AWS credentials later): AES-256-GCM under a 32-byte
// key from BATCHDECK_SECRET_KEY, or, when that is unset, a key generated once into
// <BATCHDECK_DATA_DIR>/secret.key so a laptop needs no setup.
//
// Stored form: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is derived
// from the key itself, so a value names the key that sealed it: rotating means adding the new
// key as primary and keeping the old one in the keyring until every value is re-encrypted.
// An optional context string (e.g. the access key id) is bound as additional authenticated data,
// so a ciphertext copied onto another row does not decrypt there.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { env } from "@/lib/env";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface SecretKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** Seals new values. */
  primary: SecretKey;
  /** Older keys still accepted for opening values sealed before a rotation. */
  previous: SecretKey[];
}

export class SecretError extends Error {}

export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("batchdeck-secret-key-id").update(key).digest("hex").slice(0, 8);
}

/** A 32-byte key written as 64 hex characters or as base64 / base64url. */
export function parseSecretKey(text: string): SecretKey {
  const trimmed = text.trim();
  let key: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) key = Buffer.from(trimmed, "base64");
  else throw new SecretError("The secret key must be 32 bytes written as 64 hex characters or base64.");
  if (key.length !== KEY_BYTES) {
    throw new SecretError(`The secret key must be exactly ${KEY_BYTES} bytes; got ${key.length}.`);
  }
  return { id: keyIdOf(key), key };
}

/**
 * Read the key file, or create it with a fresh random key. Creation uses O_EXCL so two
 * processes starting at once on a fresh data directory end up with the same key.
 */
export function loadOrCreateKeyFile(dataDir: string): SecretKey {
  const dir = resolve(/*turbopackIgnore: true*/ dataDir);
  const file = join(dir, "secret.key");
  try {
    return parseSecretKey(readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dir, { recursive: true });
  try {
    const fd = openSync(file, "wx", 0o600);
    try {
      writeSync(fd, `${randomBytes(KEY_BYTES).toString("base64")}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return parseSecretKey(readFileSync(file, "utf8"));
}

export function keyringFrom(config: { secretKey?: string; previousKeys?: string; dataDir: string }): Keyring {
  const primary = config.secretKey ? parseSecretKey(config.secretKey) : loadOrCreateKeyFile(config.dataDir);
  const previous = (config.previousKeys ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseSecretKey);
  return { primary, previous };
}

let cached: Keyring | undefined;

/** The process keyring from the environment, loaded once. */
export function defaultKeyring(): Keyring {
  if (!cached) {
    const e = env();
    cached = keyringFrom({
      secretKey: e.BATCHDECK_SECRET_KEY,
      previousKeys: e.BATCHDECK_SECRET_KEY_PREVIOUS,
      dataDir: e.BATCHDECK_DATA_DIR,
    });
  }
  return cached;
}

export function encryptSecret(plaintext: string, opts: { context?: string; keyring?: Keyring } = {}): string {
  const { primary } = opts.keyring ?? defaultKeyring();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", primary.key, iv);
  cipher.setAAD(Buffer.from(opts.context ?? "", "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    primary.id,
    iv.toString("base64url"),
    tag.toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

export function decryptSecret(sealed: string, opts: { context?: string; keyring?: Keyring } = {}): string {
  const keyring = opts.keyring ?? defaultKeyring();
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretError("The stored secret has an unknown format.");
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  const key = [keyring.primary, ...keyring.previous].find((k) => k.id === keyId);
  if (!key) throw new SecretError(`The stored secret was sealed with key ${keyId}, which is not configured.`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(opts.context ?? "", "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretError("The stored secret could not be decrypted: it was altered or belongs elsewhere.");
  }
}

/** True when the value was sealed with an older key and should be re-encrypted. */
export function needsReencryption(sealed: string, keyring: Keyring = defaultKeyring()): boolean {
  return sealed.split(".")[1] !== keyring.primary.id;
}
