import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiRequestError, getJson } from "./api-client";

const answer =
  (body: string, status: number, type = "application/json") =>
  async () =>
    new Response(body, { status, headers: { "content-type": type } });

afterEach(() => vi.unstubAllGlobals());

describe("getJson", () => {
  it("returns the route's JSON, asking for it without the browser's cache", async () => {
    const fetch = vi.fn(answer('{"jobs":[]}', 200));
    vi.stubGlobal("fetch", fetch);
    expect(await getJson("/api/jobs", "status=ALL")).toEqual({ jobs: [] });
    expect(fetch).toHaveBeenCalledWith("/api/jobs?status=ALL", {
      headers: { accept: "application/json" },
      cache: "no-store",
    });
  });

  it.each([
    [
      "the route's error, as a sentence",
      answer('{"error":{"code":"INTERNAL","message":"Internal error"}}', 500),
      { status: 500, code: "INTERNAL", message: "Internal error." },
    ],
    [
      "a message that is already a sentence, as it is",
      answer('{"error":{"code":"NOT_FOUND","message":"Job x was not found."}}', 404),
      { status: 404, code: "NOT_FOUND", message: "Job x was not found." },
    ],
    [
      "a proxy's HTML page, by its status",
      answer("<html>Bad gateway</html>", 502, "text/html"),
      { status: 502, code: "HTTP", message: "The server answered 502." },
    ],
    [
      "a success that is not JSON",
      answer("<html></html>", 200, "text/html"),
      { status: 200, code: "BAD_RESPONSE", message: "The server's answer was not JSON." },
    ],
    [
      "a dropped connection",
      async () => {
        throw new TypeError("Failed to fetch");
      },
      { status: 0, code: "NETWORK", message: "The server could not be reached." },
    ],
  ])("fails with one error shape for %s", async (_case, fetch, expected) => {
    vi.stubGlobal("fetch", fetch);
    const error = await getJson("/api/jobs").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject(expected);
  });
});
