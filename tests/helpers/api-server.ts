// A real HTTP server in the test process that routes like the Next app does (app/v1/...,
// app/schedules/..., proxy.ts for CloudWatch Logs and EventBridge) to the same handler
// functions, so the real AWS SDK clients talk to Batchdeck over the wire. Only the Next routing
// layer is left out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { BatchClient } from "@aws-sdk/client-batch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { createLogsHandler } from "@/lib/api/logs-handler";
import { type ApiDeps, createV1Handler } from "@/lib/api/v1-handler";
import { createEventsHandler, EVENTS_TARGET_PREFIX } from "@/lib/automation/events-api";
import { createSchedulerHandler } from "@/lib/automation/scheduler-api";

export interface ApiServer {
  endpoint: string;
  close(): Promise<void>;
  batch(credentials: { accessKeyId: string; secretAccessKey: string }): BatchClient;
  logs(credentials: { accessKeyId: string; secretAccessKey: string }): CloudWatchLogsClient;
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`${origin}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // @ts-expect-error Node's fetch needs duplex for a streamed body; the DOM types lack it.
    duplex: "half",
  });
}

async function send(req: IncomingMessage, res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  // A refused oversized body is left unread; the connection cannot carry another request.
  if (!req.complete) res.setHeader("connection", "close");
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** `port` 0: any free port. */
export async function startApiServer(deps: ApiDeps, port = 0): Promise<ApiServer> {
  const v1 = createV1Handler(deps);
  const logs = createLogsHandler(deps);
  const events = createEventsHandler(deps);
  const scheduler = createSchedulerHandler(deps);
  let origin = "";
  const server: Server = createServer((req, res) => {
    const request = toRequest(req, origin);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const route = async (): Promise<Response> => {
      if (path.startsWith("/v1/tags/")) return v1.tags(request);
      const op = /^\/v1\/([^/]+)$/.exec(path);
      if (op?.[1] && req.method === "POST") return v1.operation(request, op[1]);
      if (
        path === "/" &&
        req.method === "POST" &&
        req.headers["x-amz-target"]?.toString().startsWith("Logs_20140328.")
      ) {
        return logs(request);
      }
      if (
        path === "/" &&
        req.method === "POST" &&
        req.headers["x-amz-target"]?.toString().startsWith(EVENTS_TARGET_PREFIX)
      ) {
        return events(request);
      }
      if (path === "/schedules" && req.method === "GET") return scheduler(request, null);
      const schedule = /^\/schedules\/([^/]+)$/.exec(path);
      if (schedule?.[1]) return scheduler(request, decodeURIComponent(schedule[1]));
      return new Response("not found", { status: 404 });
    };
    route()
      .then((response) => send(req, res, response))
      .catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: { destroy(): void }[] = [];
  return {
    endpoint: origin,
    batch(credentials) {
      const client = new BatchClient({ endpoint: origin, region: "us-east-1", credentials, maxAttempts: 1 });
      clients.push(client);
      return client;
    },
    logs(credentials) {
      const client = new CloudWatchLogsClient({ endpoint: origin, region: "us-east-1", credentials, maxAttempts: 1 });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
