// Access key ids and secrets shaped like AWS's, so tools that check the format (or people who
// recognise it) are not surprised: "AKIA" + 16 base32 characters, and a 40-character secret.
import { randomBytes } from "node:crypto";

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Both alphabets have a power-of-two size, so `byte % size` stays uniform.
function randomString(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export const newAccessKeyId = () => `AKIA${randomString(ID_ALPHABET, 16)}`;
export const newSecretAccessKey = () => randomString(SECRET_ALPHABET, 40);

export const ACCESS_KEY_ID_PATTERN = /^AKIA[A-Z2-7]{16}$/;
