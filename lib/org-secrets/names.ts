// A secret's name, by AWS Secrets Manager's rules, so a name written for AWS (and the ARN built
// from it) works here unchanged. Kept apart from schemas.ts so the console's form can show the
// rule without bundling zod.

/**
 * Secrets Manager's characters. AWS allows 512 of them; 255 here, since a name appears in the
 * status reason of a job that cannot get it, and AWS caps that reason at 255.
 */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,255}$/;
export const SECRET_NAME_RULE = "1–255 characters: letters, digits and / _ + = . @ -";
