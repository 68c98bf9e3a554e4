// The browser's one way to read the console's route handlers (app/api/*). Every handler answers
// through lib/auth/route.ts: JSON, or `{ error: { code, message } }` with a status. Anything
// else (a proxy's HTML error page, a dropped connection, a body that is not JSON) becomes the
// same ApiRequestError here, so a component has one thing to show, `error.message`: a sentence,
// to which the component adds its own ("Showing the last figures read.").

export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";

  constructor(
    /** The HTTP status; 0 when the server was not reached. */
    readonly status: number,
    /** The route's error code (lib/errors.ts), or NETWORK / HTTP / BAD_RESPONSE from here. */
    readonly code: string,
    message: string,
  ) {
    super(sentence(message));
  }
}

/** Messages end as sentences, so "Could not refresh: {message} Retrying…" always reads right. */
const sentence = (message: string) => (/[.!?…]$/.test(message) ? message : `${message}.`);

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** GET a console route as JSON; `search` is a query string without its "?". */
export async function getJson<T>(path: string, search?: string): Promise<T> {
  const url = search ? `${path}?${search}` : path;
  let res: Response;
  try {
    // Polled data: never an answer the browser's HTTP cache kept.
    res = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" });
  } catch {
    throw new ApiRequestError(0, "NETWORK", "The server could not be reached");
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = (body as ErrorBody | undefined)?.error;
    throw new ApiRequestError(
      res.status,
      typeof error?.code === "string" ? error.code : "HTTP",
      typeof error?.message === "string" ? error.message : `The server answered ${res.status}`,
    );
  }
  if (body === undefined) throw new ApiRequestError(res.status, "BAD_RESPONSE", "The server's answer was not JSON");
  return body as T;
}
