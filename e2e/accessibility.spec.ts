// Every page of the console, as an admin, through axe-core (WCAG 2.0 / 2.1, A and AA): no
// violation of impact serious or critical, at desktop (1280×800) and phone (390×844) size. Each
// page's full-page screenshot at both sizes is attached to its test and kept under
// test-results/e2e/screenshots/<project>/ (issue 15: looked at, page by page). The signed-out
// pages (sign-in, sign-up, an invitation, single sign-on's error, the 404) are visited in a
// context of their own. Pages under a [name] are visited on resources seeded through /v1.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CreateConsumableResourceCommand, CreateSchedulingPolicyCommand } from "@aws-sdk/client-batch";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";
import { ADMIN, inviteMember, signIn, uniqueEmail } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment, waitForStatus } from "./seed";

// Not serial: one page's violations must not hide the next page's (a failed test restarts the
// worker, and beforeAll seeds afresh under a new tag).

const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const tag = uniqueName("a11y").toLowerCase();
const ce = `${tag}-ce`;
const queue = `${tag}-q`;
const definition = `${tag}-def`;
const policy = `${tag}-sp`;
const resource = `${tag}-seats`;
const schedule = `${tag}-sched`;
let jobId = "";
let schedulePath = "";
let invitation = "";
let operatorOrg = "";
let admin: Page;

interface Visit {
  /** The screenshot's file name and the test's title. */
  name: string;
  path: () => string;
  /** Seen signed out, in a context of its own. */
  signedOut?: boolean;
}

const CONSOLE: Visit[] = [
  { name: "overview", path: () => "/" },
  { name: "dashboard", path: () => "/dashboard" },
  { name: "usage", path: () => "/usage" },
  { name: "jobs", path: () => "/jobs" },
  { name: "job-new", path: () => "/jobs/new" },
  { name: "job", path: () => `/jobs/${jobId}` },
  { name: "job-logs", path: () => `/jobs/${jobId}/logs` },
  { name: "job-schedules", path: () => "/job-schedules" },
  { name: "job-schedule", path: () => schedulePath },
  { name: "notifications", path: () => "/notifications" },
  { name: "job-queues", path: () => "/job-queues" },
  { name: "job-queue-new", path: () => "/job-queues/new" },
  { name: "job-queue", path: () => `/job-queues/${queue}` },
  { name: "job-queue-edit", path: () => `/job-queues/${queue}/edit` },
  { name: "compute-environments", path: () => "/compute-environments" },
  { name: "compute-environment-new", path: () => "/compute-environments/new" },
  { name: "compute-environment", path: () => `/compute-environments/${ce}` },
  { name: "compute-environment-edit", path: () => `/compute-environments/${ce}/edit` },
  { name: "job-definitions", path: () => "/job-definitions" },
  { name: "job-definition-new", path: () => "/job-definitions/new" },
  { name: "job-definition", path: () => `/job-definitions/${definition}?a=1&b=2` },
  { name: "scheduling-policies", path: () => "/scheduling-policies" },
  { name: "scheduling-policy-new", path: () => "/scheduling-policies/new" },
  { name: "scheduling-policy-edit", path: () => `/scheduling-policies/${policy}/edit` },
  { name: "consumable-resources", path: () => "/consumable-resources" },
  { name: "settings", path: () => "/settings" },
  { name: "settings-access-keys", path: () => "/settings/access-keys" },
  { name: "settings-audit", path: () => "/settings/audit" },
  { name: "settings-backend", path: () => "/settings/backend" },
  { name: "settings-members", path: () => "/settings/members" },
  { name: "settings-quotas", path: () => "/settings/quotas" },
  { name: "settings-retention", path: () => "/settings/retention" },
  { name: "settings-secrets", path: () => "/settings/secrets" },
  { name: "settings-sso", path: () => "/settings/sso" },
  { name: "operator", path: () => "/operator" },
  { name: "operator-usage", path: () => "/operator/usage" },
  { name: "operator-organization", path: () => `/operator/${operatorOrg}` },
  { name: "not-found-signed-in", path: () => `/${tag}-no-such-page` },
  { name: "not-found-in-console", path: () => `/job-queues/${tag}-no-such-queue` },
];

const PUBLIC: Visit[] = [
  { name: "login", path: () => "/login", signedOut: true },
  { name: "signup", path: () => "/signup", signedOut: true },
  { name: "invitation", path: () => new URL(invitation).pathname, signedOut: true },
  { name: "sso-error", path: () => "/sso/error?reason=providerUnavailable", signedOut: true },
  { name: "not-found", path: () => `/${tag}-no-such-page`, signedOut: true },
];

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 2, memoryMiB: 1024 });
  // Two revisions, so the definition page shows its diff.
  await seedDefinition(definition, { image: "busybox", command: ["echo", "first"], memoryMiB: 64 });
  await seedDefinition(definition, { image: "busybox", command: ["echo", "second"], memoryMiB: 64 });
  await batchClient().send(
    new CreateSchedulingPolicyCommand({
      name: policy,
      fairsharePolicy: { shareDecaySeconds: 60, shareDistribution: [] },
    }),
  );
  await batchClient().send(new CreateConsumableResourceCommand({ consumableResourceName: resource, totalQuantity: 4 }));
  // A job after another: its page shows the dependency graph and the output of a finished run.
  const first = await seedJob({ jobName: `${tag}-first`, jobQueue: queue, jobDefinition: definition });
  jobId = await seedJob({
    jobName: `${tag}-job`,
    jobQueue: queue,
    jobDefinition: definition,
    dependsOn: [{ jobId: first }],
  });
  await waitForStatus(jobId, "SUCCEEDED", { timeout: 60_000 });

  admin = await (await browser.newContext()).newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
  invitation = await inviteMember(admin, uniqueEmail("a11y-invitee"), "Submitter");
  await createSchedule(admin);
  await admin.goto("/operator");
  const href = await admin.getByRole("table", { name: "Organizations" }).getByRole("link").first().getAttribute("href");
  operatorOrg = href?.split("/").pop() ?? "";
  expect(operatorOrg).not.toBe("");
});

/** The schedules API is EventBridge Scheduler's (signed REST); its form is one fill away. */
async function createSchedule(page: Page) {
  await page.goto("/job-schedules");
  const form = page.getByRole("form", { name: "Create schedule" });
  await form.getByLabel("Name", { exact: true }).fill(schedule);
  await form.getByLabel("Expression", { exact: true }).fill("rate(1 day)");
  await form.getByLabel("Job queue", { exact: true }).selectOption(queue);
  await form.getByLabel("Job definition", { exact: true }).selectOption(definition);
  await form.getByLabel("Job name", { exact: true }).fill("daily");
  await form.getByRole("button", { name: "Create schedule" }).click();
  const link = page.getByRole("table", { name: "Schedules" }).getByRole("link", { name: schedule });
  await expect(link).toBeVisible();
  schedulePath = (await link.getAttribute("href")) ?? "";
}

for (const visit of [...CONSOLE, ...PUBLIC]) {
  test(`${visit.name} has no serious or critical axe violation, at desktop and phone size`, async ({ browser }) => {
    const page = visit.signedOut ? await (await browser.newContext()).newPage() : admin;
    try {
      const problems: string[] = [];
      for (const size of SIZES) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await open(page, visit.path());
        await screenshot(page, visit.name, size.name);
        problems.push(...(await seriousViolations(page)).map((p) => `[${size.name}] ${p}`));
      }
      expect(problems, `axe on ${visit.path()}:\n${problems.join("\n")}`).toEqual([]);
    } finally {
      if (visit.signedOut) await page.context().close();
      else await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
}

/** The page, hydrated and its first data fetched (live pages keep polling: not waited for). */
async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("h1").first()).toBeVisible();
  await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => undefined);
}

async function screenshot(page: Page, name: string, size: string) {
  const info = test.info();
  const dir = join(info.project.outputDir, "screenshots", info.project.name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}-${size}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(`${name}-${size}`, { path, contentType: "image/png" });
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(" "))
          .join(" | ")}${v.nodes.length > 5 ? ` … and ${v.nodes.length - 5} more` : ""}`,
    );
}
