// How a receiver checks a delivery, in Node: built on the server from the header names the
// engine signs with (lib/automation/webhook.ts), and handed to the secret box as text.
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@/lib/automation/webhook";

export const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from "node:crypto";

// body: the raw request body, exactly as received (before any JSON parsing)
const timestamp = req.headers["${TIMESTAMP_HEADER}"];
const expected = "v1=" + createHmac("sha256", secret).update(\`\${timestamp}.\${body}\`).digest("hex");
const given = String(req.headers["${SIGNATURE_HEADER}"] ?? "");
const valid = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));`;
