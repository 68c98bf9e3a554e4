// Which lane of the request pump (server/turn-pump.ts) a request waits in, chosen by what the
// request is, as its headers say, rather than by where it goes. A URL prefix gets requests
// wrong both ways: the CloudWatch Logs calls are POSTed to `/` like a page's form, a log
// download under /api/ is a link a person clicked, and a page could poll what a person opened.
// Browsers say what each request is for in its fetch metadata (Sec-Fetch-Mode, Sec-Fetch-Dest),
// Next.js's router marks its own requests (RSC, Next-Action), and AWS clients sign theirs.
//
// The rules, first match wins:
//
//   kind            how it is recognised                                        lane
//   aws-api         Authorization: AWS4-HMAC-SHA256 …, X-Amz-Target, or /v1     background
//   event-stream    Accept: text/event-stream (live logs)                        background
//   server-action   Next-Action header                                          interactive
//   rsc             RSC: 1 (client navigation, refresh, prefetch)               interactive
//   document        Sec-Fetch-Mode: navigate or Sec-Fetch-Dest: document        interactive
//   asset           /_next/static/…, or Sec-Fetch-Dest script|style|font|image  interactive
//   fetch           any other Sec-Fetch-Mode (a script's fetch: the polls)      background
//   unlabelled      no fetch metadata (curl, health checks, old browsers):      by path:
//                   /api/… is a route handler's data                           background
//                   anything else is most likely a page                        interactive
//
// Why these lanes: a person waits on a page, its assets, a client navigation and a form's
// action; a poll repeats in seconds whether or not this one was late, a live stream resumes
// where it stopped, and an AWS client retries on its own. Prefetches ride with client
// navigations because Next's router may wait on a prefetch still in flight when its link is
// followed. Under saturation the background lane still starts a request every turn.
import type { IncomingHttpHeaders } from "node:http";

export type Lane = "interactive" | "background";

export type RequestKind =
  | "aws-api"
  | "event-stream"
  | "server-action"
  | "rsc"
  | "document"
  | "asset"
  | "fetch"
  | "unlabelled-page"
  | "unlabelled-api";

export const LANE_OF_KIND: Record<RequestKind, Lane> = {
  "aws-api": "background",
  "event-stream": "background",
  "server-action": "interactive",
  rsc: "interactive",
  document: "interactive",
  asset: "interactive",
  fetch: "background",
  "unlabelled-page": "interactive",
  "unlabelled-api": "background",
};

/** What the pump knows of a request when it arrives: its target and headers, not its body. */
export interface RequestHead {
  url?: string;
  headers: IncomingHttpHeaders;
}

/** Destinations of the subresources a page needs to show itself. */
const PAGE_SUBRESOURCES = new Set(["script", "style", "font", "image", "manifest"]);

function header(req: RequestHead, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value.join(",") : (value ?? "")).trim().toLowerCase();
}

/** The path of a request target, without its query; `/` when there is none. */
function pathOf(req: RequestHead): string {
  const url = req.url ?? "/";
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export function requestKind(req: RequestHead): RequestKind {
  const path = pathOf(req);
  if (
    header(req, "authorization").startsWith("aws4-hmac-sha256") ||
    header(req, "x-amz-target") !== "" ||
    under(path, "/v1")
  ) {
    return "aws-api";
  }
  if (header(req, "accept").includes("text/event-stream")) return "event-stream";
  if (header(req, "next-action") !== "") return "server-action";
  if (header(req, "rsc") === "1") return "rsc";
  const mode = header(req, "sec-fetch-mode");
  const dest = header(req, "sec-fetch-dest");
  if (mode === "navigate" || dest === "document") return "document";
  if (path.startsWith("/_next/static/") || PAGE_SUBRESOURCES.has(dest)) return "asset";
  if (mode !== "") return "fetch";
  return under(path, "/api") ? "unlabelled-api" : "unlabelled-page";
}

export function laneOf(req: RequestHead): Lane {
  return LANE_OF_KIND[requestKind(req)];
}
