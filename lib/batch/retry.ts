// Whether a failed attempt is tried again, as AWS Batch decides it (reference/aws-batch.md
// §2.3 retryStrategy). Pure: the engine applies the answer.
//
//   cancelled / terminated / timed out        → EXIT (never retried, whatever the rules say)
//   no attempts left                           → EXIT
//   evaluateOnExit rules, in order             → the first rule whose every given condition
//                                                matches decides (RETRY or EXIT)
//   no rule matches (or none given)            → RETRY

export type StopKind = "NONE" | "CANCEL" | "TERMINATE" | "TIMEOUT";

export interface EvaluateOnExit {
  onStatusReason?: string;
  onReason?: string;
  onExitCode?: string;
  action: string;
}

export interface RetryInput {
  /** The attempt that just ended, 1-based. */
  attempt: number;
  attemptsAllowed: number;
  evaluateOnExit?: EvaluateOnExit[] | null;
  exitCode: number | null;
  /** The container-level reason (e.g. "OutOfMemoryError: …"). */
  reason: string | null;
  statusReason: string | null;
  stopKind: StopKind;
}

export interface RetryDecision {
  action: "RETRY" | "EXIT";
  why: string;
}

/** AWS: digits, optionally ending in `*`. */
export const EXIT_CODE_PATTERN = /^[0-9]*\*?$/;
/** AWS: letters, digits, periods, colons and white space, optionally ending in `*`; ≤ 512. */
export const REASON_PATTERN = /^[A-Za-z0-9.: \t]*\*?$/;
export const MAX_PATTERN_LENGTH = 512;

export function isValidExitCodePattern(p: string): boolean {
  return p.length > 0 && p.length <= MAX_PATTERN_LENGTH && EXIT_CODE_PATTERN.test(p);
}

export function isValidReasonPattern(p: string): boolean {
  return p.length > 0 && p.length <= MAX_PATTERN_LENGTH && REASON_PATTERN.test(p);
}

/** A glob that may only end in `*`: a prefix match with it, an exact match without. */
export function globMatches(pattern: string, value: string | null): boolean {
  if (value === null) return false;
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

function ruleMatches(rule: EvaluateOnExit, input: RetryInput): boolean {
  if (rule.onExitCode !== undefined && !globMatches(rule.onExitCode, input.exitCode?.toString() ?? null)) return false;
  if (rule.onReason !== undefined && !globMatches(rule.onReason, input.reason)) return false;
  if (rule.onStatusReason !== undefined && !globMatches(rule.onStatusReason, input.statusReason)) return false;
  return true;
}

export function decideRetry(input: RetryInput): RetryDecision {
  if (input.stopKind === "CANCEL") return { action: "EXIT", why: "cancelled jobs are not retried" };
  if (input.stopKind === "TERMINATE") return { action: "EXIT", why: "terminated jobs are not retried" };
  if (input.stopKind === "TIMEOUT") return { action: "EXIT", why: "timed-out attempts are not retried" };
  if (input.exitCode === 0) return { action: "EXIT", why: "the attempt succeeded" };
  if (input.attempt >= input.attemptsAllowed) {
    return { action: "EXIT", why: `attempt ${input.attempt} of ${input.attemptsAllowed}: no attempts left` };
  }
  const rules = input.evaluateOnExit ?? [];
  for (const [i, rule] of rules.entries()) {
    if (!ruleMatches(rule, input)) continue;
    const action = rule.action.toUpperCase() === "EXIT" ? "EXIT" : "RETRY";
    return { action, why: `evaluateOnExit[${i}] matched: ${action}` };
  }
  return {
    action: "RETRY",
    why: rules.length > 0 ? "no evaluateOnExit rule matched: RETRY" : "attempts remain: RETRY",
  };
}

/** Reads Job.retryStrategy (AWS JSON) leniently: what submission stored is already validated. */
export function parseEvaluateOnExit(retryStrategyJson: string | null): EvaluateOnExit[] {
  if (!retryStrategyJson) return [];
  try {
    const parsed = JSON.parse(retryStrategyJson) as { evaluateOnExit?: unknown };
    return Array.isArray(parsed.evaluateOnExit) ? (parsed.evaluateOnExit as EvaluateOnExit[]) : [];
  } catch {
    return [];
  }
}
