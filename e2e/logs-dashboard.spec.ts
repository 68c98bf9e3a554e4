// Live logs and the dashboard against the real engine (1 s samples): a job prints a line,
// sleeps, prints another, sleeps again; the logs page, opened while it runs, shows the second
// line while the job still runs (live: before the job ends, however long that took, which is
// printed). Resources and the job are seeded through the signed /v1 API (e2e/seed.ts): the
// pages under test are the logs page and the dashboard, not the forms that create them.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { decodeRuns, type WireRun } from "../lib/logs/sse";
import { uniqueName } from "./api";
import { ADMIN, signIn } from "./helpers";
import { jobStatus, seedDefinition, seedJob, seedQueueWithEnvironment, waitForStatus } from "./seed";

const SCRIPT = [
  "printf '\\033[32mfirst line\\033[0m\\n'",
  "echo 'a warning' >&2",
  "sleep 4",
  "echo 'second line'",
  // Still running while the second line is shown, when it is shown live.
  "sleep 4",
].join("; ");

interface SseMessage {
  event: string;
  id?: string;
  data: string;
}

function parseSse(text: string): SseMessage[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() && !block.startsWith(":"))
    .map((block) => {
      const m: SseMessage = { event: "message", data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) m.event = line.slice(7);
        else if (line.startsWith("id: ")) m.id = line.slice(4);
        else if (line.startsWith("data: ")) m.data += line.slice(6);
      }
      return m;
    })
    .filter((m) => m.data !== "");
}

const messagesOf = (sse: SseMessage[]) =>
  sse
    .filter((m) => m.event === "message")
    .flatMap((m) => decodeRuns((JSON.parse(m.data) as { runs: WireRun[] }).runs).map((e) => e.message));

test("a line printed after the logs page opened appears live; the dashboard charts the run", async ({
  page,
  browser,
}) => {
  test.setTimeout(50_000);
  const ce = uniqueName("logs-ce");
  const queue = uniqueName("logs-q");
  const definition = uniqueName("logs-def");
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 4 });
  await seedDefinition(definition, { command: ["sh", "-c", SCRIPT] });
  await signIn(page, ADMIN.email, ADMIN.password);
  const jobId = await seedJob({ jobName: "live-logs", jobQueue: queue, jobDefinition: definition });
  const status = () => jobStatus(jobId);
  await waitForStatus(jobId, "RUNNING");

  await page.goto(`/jobs/${jobId}/logs`);
  await expect(page.getByRole("heading", { name: "Logs: live-logs" })).toBeVisible();
  const lines = page.getByTestId("log-lines");
  await expect(lines).toContainText("first line");
  // The job is still sleeping: the second line has not been written when the first shows.
  await expect(lines).not.toContainText("second line");
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  await expect(lines).toContainText("second line", { timeout: 15_000 });
  const shownAt = Date.now();
  // Shown before the job ended: the page is still live and the job still runs.
  await expect(page.getByText("Finished: all output shown")).toHaveCount(0);
  expect(await status()).toBe("RUNNING");
  await expect(page.getByText("Finished: all output shown")).toBeVisible({ timeout: 15_000 });
  expect(await status()).toBe("SUCCEEDED");

  // ANSI colour became a styled span; the escape bytes are not shown.
  const green = lines.getByText("first line", { exact: true });
  await expect(green).toHaveCSS("color", "rgb(74, 222, 128)");
  await expect(lines).not.toContainText("[32m");
  await expect(lines).toContainText("a warning");

  // Search highlights; "only matching lines" filters; STDERR alone shows only the warning.
  await page.getByLabel("Search").fill("second");
  await expect(lines.locator("span.bg-amber-300")).toHaveText("second");
  await expect(lines).toContainText("first line");
  await page.getByLabel("Only matching lines").check();
  await expect(lines).not.toContainText("first line");
  await expect(page.getByText("1 line matching “second”")).toBeVisible();
  await page.getByLabel("Only matching lines").uncheck();
  await page.getByLabel("Search").fill("");
  await page.getByLabel("Stream").selectOption("stderr");
  await expect(lines).toContainText("a warning");
  await expect(lines).not.toContainText("first line");
  await page.getByLabel("Stream").selectOption("both");
  // The lines' times are UTC, as everywhere in the console, and the option says so.
  await page.getByLabel("Timestamps (UTC)").check();
  await expect(lines).toContainText(/\d\d:\d\d:\d\d\.\d{3}/);
  await page.screenshot({ path: test.info().outputPath("logs.png"), fullPage: true });

  // Download: the whole log as plain text.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download" }).click(),
  ]);
  const text = readFileSync((await download.path()) as string, "utf8");
  expect(text).toMatch(/first line[\s\S]*second line/);
  expect(text).toContain("a warning");
  // Written → shown: the chunk's stamp (when the engine read the line) to when the page
  // showed it, on one host's clock. DESIGN.md's target is 1 s; the figure is printed, not
  // asserted (bench/console-load.ts measures delivery lag under load).
  const stamped = await page.request.get(`/api/jobs/${jobId}/logs/download?timestamps=1`);
  const writtenAt = Date.parse(/^(\S+) stdout second line$/m.exec(await stamped.text())?.[1] ?? "");
  const latency = shownAt - writtenAt;
  console.log(`line written → visible in the browser: ${latency} ms`);
  test.info().annotations.push({ type: "line written → visible (ms)", description: String(latency) });
  expect(latency).toBeGreaterThan(0);

  // The stream itself: ids are tokens; resuming from the first id (as a reconnecting
  // EventSource does with Last-Event-ID) sends exactly what came after it, then `end`.
  const full = parseSse(await (await page.request.get(`/api/jobs/${jobId}/logs/stream`)).text());
  expect(full.at(-1)?.event).toBe("end");
  const all = messagesOf(full);
  expect(all).toEqual(expect.arrayContaining(["\u001b[32mfirst line\u001b[0m", "a warning", "second line"]));
  const firstBatch = full.find((m) => m.event === "message");
  const resumed = parseSse(
    await (
      await page.request.get(`/api/jobs/${jobId}/logs/stream`, { headers: { "last-event-id": firstBatch?.id ?? "" } })
    ).text(),
  );
  expect([...messagesOf(full.slice(0, full.indexOf(firstBatch as SseMessage) + 1)), ...messagesOf(resumed)]).toEqual(
    all,
  );
  expect(resumed.at(-1)?.event).toBe("end");

  // In the browser: the connection drops after the first batch; the viewer reconnects from
  // that batch's id. The reconnect is answered from token 0, as a server resuming from an
  // older position would, and the page still shows each line once.
  const reconnects: (string | null)[] = [];
  let calls = 0;
  await page.route(/\/api\/jobs\/[^/]+\/logs\/stream/, async (route) => {
    calls++;
    if (calls === 1) {
      const response = await route.fetch();
      const body = await response.text();
      const firstId = /^id: .*$/m.exec(body);
      const cut = body.indexOf("\n\n", firstId?.index ?? 0) + 2;
      await route.fulfill({ response, body: body.slice(0, cut) });
      return;
    }
    const url = new URL(route.request().url());
    const headers = await route.request().allHeaders();
    reconnects.push(url.searchParams.get("after") ?? headers["last-event-id"] ?? null);
    url.searchParams.set("after", "0");
    await route.continue({ url: url.toString(), headers: { ...headers, "last-event-id": "0" } });
  });
  await page.goto(`/jobs/${jobId}/logs`);
  await expect(page.getByText("Finished: all output shown")).toBeVisible({ timeout: 15_000 });
  expect(reconnects[0]).toBe(firstBatch?.id);
  await expect(page.getByText("3 lines", { exact: true })).toBeVisible();
  await expect(lines.locator(".log-text", { hasText: "first line" })).toHaveCount(1);
  await expect(lines.locator(".log-text", { hasText: "second line" })).toHaveCount(1);
  await page.unrouteAll();

  // Without a session the stream is refused.
  const stranger = await browser.newContext();
  expect((await stranger.request.get(`/api/jobs/${jobId}/logs/stream`)).status()).toBe(401);
  await stranger.close();

  // The dashboard: the job's run shows in the charts.
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.getByRole("link", { name: "15m" }).click();
  await expect(page).toHaveURL(/range=15m/);
  await expect(page.getByRole("heading", { name: "vCPUs in use by compute environment" })).toBeVisible();
  // The compute environment the job ran on is a series of the vCPU chart.
  await expect(page.getByTestId("chart").filter({ hasText: ce })).toBeVisible({ timeout: 15_000 });
  await expect(page.locator(".recharts-line-curve").first()).toBeVisible();
  await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible({ timeout: 15_000 });
  const succeeded = page.locator("dt", { hasText: "Succeeded" }).locator("xpath=following-sibling::dd[1]");
  await expect
    .poll(async () => Number((await succeeded.textContent())?.replace(/\D/g, "") ?? 0))
    .toBeGreaterThanOrEqual(1);
  await page.screenshot({ path: test.info().outputPath("dashboard.png"), fullPage: true });

  // On a phone: nothing overflows the page sideways (wide content scrolls inside its box).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ["/dashboard?range=15m", `/jobs/${jobId}/logs`]) {
    await page.goto(path);
    await expect(page.locator("main h1")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({
      path: test.info().outputPath(`phone-${path.includes("logs") ? "logs" : "dashboard"}.png`),
      fullPage: true,
    });
  }
});

// E2E_LONG_LOG_LINES=1000000 measures a million-line log (past the browser's height limit, so
// the scroll range is compressed); the suite runs 200,000 to stay fast.
const LONG = Number(process.env.E2E_LONG_LOG_LINES ?? 200_000);

test(`a long log is virtualized: ${LONG.toLocaleString("en-US")} lines, a few dozen rows in the page, both ends reachable`, async ({
  page,
}) => {
  test.setTimeout(120_000);
  const ce = uniqueName("long-ce");
  const queue = uniqueName("long-q");
  const definition = uniqueName("long-def");
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce });
  await seedDefinition(definition, { command: ["seq", "1", String(LONG)] });
  const jobId = await seedJob({ jobName: "long-log", jobQueue: queue, jobDefinition: definition });
  await waitForStatus(jobId, "SUCCEEDED", { timeout: 60_000, intervalMs: 200 });

  await signIn(page, ADMIN.email, ADMIN.password);
  const served = Date.now();
  const body = await (await page.request.get(`/api/jobs/${jobId}/logs/stream`)).text();
  const servedMs = Date.now() - served;
  expect(body).toContain("event: end");
  console.log(`${LONG}-line log sent over SSE in ${servedMs} ms (${(body.length / 1e6).toFixed(1)} MB)`);
  const started = Date.now();
  await page.goto(`/jobs/${jobId}/logs`);
  await expect(page.getByText("Finished: all output shown")).toBeVisible({ timeout: 60_000 });
  const loadedMs = Date.now() - started;
  await expect(page.getByText(`${LONG.toLocaleString("en-US")} lines`)).toBeVisible();
  const lines = page.getByTestId("log-lines");
  // Following: the last line is in view; only the rows in view (plus overscan) are in the DOM.
  const texts = lines.locator(".log-text");
  await expect(page.getByLabel("Follow")).toBeChecked();
  await expect(texts.last()).toHaveText(String(LONG));
  expect(await lines.locator("div.flex.whitespace-pre").count()).toBeLessThan(120);
  await lines.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(texts.first()).toHaveText("1");
  await expect(page.getByLabel("Follow")).not.toBeChecked();
  await lines.evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  await expect.poll(async () => Math.abs(Number(await texts.first().textContent()) - LONG / 2)).toBeLessThan(LONG / 50);
  // Scrolling: 120 frames, each a jump of 2,000 px. The page holds only the rows in view at
  // every frame, and they follow the scroll; the mean time between frames is printed.
  const scrolled = await lines.evaluate(
    (el) =>
      new Promise<{ frameMs: number; mostRows: number; firstRows: number }>((resolve) => {
        let n = 0;
        let mostRows = 0;
        const firstRows = new Set<string>();
        const start = performance.now();
        const step = () => {
          mostRows = Math.max(mostRows, el.querySelectorAll("div.flex.whitespace-pre").length);
          firstRows.add(el.querySelector(".log-text")?.textContent ?? "");
          el.scrollTop += 2_000;
          if (++n < 120) requestAnimationFrame(step);
          else resolve({ frameMs: (performance.now() - start) / n, mostRows, firstRows: firstRows.size });
        };
        requestAnimationFrame(step);
      }),
  );
  console.log(`scrolling the ${LONG}-line log: ${scrolled.frameMs.toFixed(1)} ms per frame`);
  expect(scrolled.mostRows).toBeLessThan(120);
  expect(scrolled.firstRows).toBeGreaterThan(10);
  test.info().annotations.push({ type: `${LONG}-line log loaded and shown (ms)`, description: String(loadedMs) });
  console.log(`${LONG}-line log loaded and shown in ${loadedMs} ms`);
});

test("pause freezes the view while lines keep arriving; resume shows them", async ({ page }) => {
  const ce = uniqueName("pause-ce");
  const queue = uniqueName("pause-q");
  const definition = uniqueName("pause-def");
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce });
  // Long enough that "one" is on screen and Pause clicked before "two" is printed, even on a
  // loaded machine where the page and the first line take seconds.
  await seedDefinition(definition, { command: ["sh", "-c", "echo one; sleep 10; echo two; echo three"] });
  await signIn(page, ADMIN.email, ADMIN.password);
  const jobId = await seedJob({ jobName: "pause", jobQueue: queue, jobDefinition: definition });
  await waitForStatus(jobId, "RUNNING");
  await page.goto(`/jobs/${jobId}/logs`);
  const texts = page.getByTestId("log-lines").locator(".log-text");
  await expect(texts).toHaveText(["one"]);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByRole("button", { name: "Resume" })).toHaveAttribute("aria-pressed", "true");
  await waitForStatus(jobId, "SUCCEEDED", { timeout: 30_000, intervalMs: 200 });
  await expect(page.getByText("Finished: all output shown")).toBeVisible();
  await expect(page.getByText("paused, 2 new")).toBeVisible();
  await expect(texts).toHaveText(["one"]);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(texts).toHaveText(["one", "two", "three"]);
  // Every line is in: nothing is left to pause or follow.
  await expect(page.getByRole("button", { name: "Pause" })).toBeDisabled();
  await expect(page.getByLabel("Follow")).toBeDisabled();
});
