import type { IncomingMessage, ServerResponse } from "node:http";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export const REQUESTS_PER_TURN: number;

export function isInteractive(req: Pick<IncomingMessage, "url">): boolean;

export function pacedByTurn(
  handle: Handler,
  perTurn?: number,
  interactive?: (req: IncomingMessage) => boolean,
): Handler & { stats(): { waiting: number; mostWaiting: number } };
