// Why a single sign-on did not complete: one catalogue, shown on /sso/error by reason (the
// callback redirects there with the reason's name and, where the words name it, the
// organization's short name; never free text from the request or the provider).
import { AppError } from "@/lib/errors";

const PROBLEMS = {
  notConfigured: () => "Single sign-on is not set up on this server.",
  unknownOrganization: () =>
    "No organization with single sign-on has that short name. Ask an admin of your organization for it.",
  expired: () => "This sign-in has expired or was already used. Start again from the sign-in page.",
  otherBrowser: () =>
    "This sign-in was started in another browser or window, or its cookie was blocked. Start again from the sign-in page.",
  providerRefused: () => "Your identity provider did not sign you in.",
  providerUnavailable: () =>
    "Batchdeck could not complete the sign-in with your identity provider. Try again, or ask an admin to check the provider's settings.",
  noEmail: () => "Your identity provider did not send an email address.",
  unverified: () => "Your identity provider did not verify this email address.",
  domainNotAllowed: (org: string) => `Addresses at your email domain may not sign in to ${org} with single sign-on.`,
  notMember: (org: string) => `You are not a member of ${org}. Ask an admin of ${org} to invite you.`,
  noAccount: () =>
    "There is no Batchdeck account for this email address. Ask an admin of your organization to invite you.",
  operator: () => "This account is the install's operator: sign in with its password.",
  otherOrganization: () =>
    "This session was started by another organization's single sign-on and acts in that organization only. Sign out, then sign in with your password (or that organization's single sign-on) to use another.",
  ssoRequired: (org: string) => `${org} requires its own single sign-on: use "Sign in with SSO" with its short name.`,
} satisfies Record<string, (org: string) => string>;

export type SsoProblem = keyof typeof PROBLEMS;

export function isSsoProblem(value: unknown): value is SsoProblem {
  return typeof value === "string" && Object.hasOwn(PROBLEMS, value);
}

export function ssoProblemText(problem: SsoProblem, organizationName = "this organization"): string {
  return PROBLEMS[problem](organizationName);
}

/** A sign-in refused for a reason the person signing in should read. */
export class SsoSignInError extends AppError {
  readonly problem: SsoProblem;
  /** The organization the words name (its slug), for the error page. */
  readonly organizationSlug: string | null;

  constructor(problem: SsoProblem, organization?: { slug: string; name: string } | null) {
    super("FORBIDDEN", ssoProblemText(problem, organization?.name));
    this.problem = problem;
    this.organizationSlug = organization?.slug ?? null;
  }
}
