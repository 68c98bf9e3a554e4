// The console over plain HTTP, as a browser without JavaScript uses it: signing in posts the
// login page's own form (React renders the server action's reference as hidden fields, so the
// form works before any script loads) and keeps the session cookie it sets; every later request
// sends that cookie.
import type { ChildProcess } from "node:child_process";

const ENTITIES: Record<string, string> = { amp: "&", quot: '"', lt: "<", gt: ">", "#x27": "'", "#39": "'" };
const unescapeHtml = (s: string) => s.replace(/&(amp|quot|lt|gt|#x27|#39);/g, (_, e: string) => ENTITIES[e]!);

/** The hidden inputs of the first <form> in a page. */
export function hiddenFields(html: string): [string, string][] {
  const form = /<form[\s\S]*?<\/form>/.exec(html)?.[0];
  if (!form) throw new Error("no form in the page");
  const fields: [string, string][] = [];
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    if (!/type="hidden"/.test(tag)) continue;
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (name === undefined) continue;
    fields.push([unescapeHtml(name), unescapeHtml(/value="([^"]*)"/.exec(tag)?.[1] ?? "")]);
  }
  return fields;
}

/** Signs in through /login and returns the Cookie header value for the new session. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  if (!page.ok) throw new Error(`GET /login: HTTP ${page.status}`);
  const form = new FormData();
  for (const [name, value] of hiddenFields(await page.text())) form.append(name, value);
  form.set("email", email);
  form.set("password", password);
  const res = await fetch(`${base}/login`, {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: { origin: base },
  });
  await res.arrayBuffer();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("batchdeck_session="));
  if (!cookie) throw new Error(`sign-in as ${email} set no session cookie (HTTP ${res.status})`);
  return cookie;
}

/**
 * A page load with the session cookie, as a browser's navigation; resolves with the status and
 * the milliseconds to the last byte. It says it is a document, as a browser does, so the web
 * server's pump counts it as a page (server/request-lane.ts); Node's fetch sends
 * `Sec-Fetch-Mode: cors` whatever it is told, but keeps the destination.
 */
export async function timedGet(
  url: string,
  cookie: string,
  signal?: AbortSignal,
): Promise<{ status: number; ms: number; body: string }> {
  const t0 = performance.now();
  const headers = { cookie, accept: "text/html", "sec-fetch-dest": "document" };
  const res = await fetch(url, { headers, redirect: "manual", signal });
  const body = await res.text();
  return { status: res.status, ms: performance.now() - t0, body };
}

/** Resolves once GET /api/health answers 200; fails if the server process exits first or after 120 s. */
export async function waitHealthy(base: string, child: ChildProcess) {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server not healthy after 120 s");
}
