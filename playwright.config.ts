import { readdirSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// End-to-end specs drive the production build in Debian's Chromium (no browser download).
// The whole suite runs twice: "chromium" against scripts/e2e-server.mjs (laptop mode: a
// throwaway SQLite database, one web server and its engine), then in the hosted topology of
// scripts/e2e-hosted-server.mjs (one PostgreSQL, two web servers, two engines, all through
// `npm run start:prod`), where the two web servers share the suite: "hosted-b" runs the spec
// files at even places in name order, "hosted-a" the others, so every spec passes through one
// of them and each server serves half (running all of it through both doubled the longest part
// of CI for two identical servers). hosted-b runs second, on the data hosted-a left: its pages
// (the accessibility sweep's among them) see a busier organization. E2E_HOSTED=false leaves the
// hosted topology out, for a quicker local run. Specs reach the server under test through
// their project's baseURL (e2e/api.ts for /v1 seeding).
const port = Number(process.env.E2E_PORT ?? 3217);
const portA = port + 1;
const portB = port + 2;
export const baseURL = `http://127.0.0.1:${port}`;
const hosted = !["false", "0", "no", "off"].includes((process.env.E2E_HOSTED ?? "").toLowerCase());

const specs = readdirSync("e2e")
  .filter((f) => f.endsWith(".spec.ts"))
  .sort();
/** A pattern matching exactly these spec files of e2e/ (file names are letters, digits, '-' and '.'). */
const only = (files: string[]) => new RegExp(`/e2e/(${files.map((f) => f.replaceAll(".", "\\.")).join("|")})$`);
const throughB = only(specs.filter((_, i) => i % 2 === 0));
const throughA = only(specs.filter((_, i) => i % 2 === 1));

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Playwright empties its output folder at start: a folder of its own, so the vitest report
  // that npm test wrote to test-results/ before it survives for the summary.
  outputDir: "test-results/e2e",
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"], baseURL } },
    ...(hosted
      ? [
          {
            name: "hosted-a",
            testMatch: throughA,
            use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${portA}` },
          },
          {
            name: "hosted-b",
            testMatch: throughB,
            use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${portB}` },
          },
        ]
      : []),
  ],
  webServer: [
    {
      command: `node scripts/e2e-server.mjs`,
      url: `${baseURL}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      // SIGTERM, so the script stops its engine and removes its containers and Podman service.
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      env: { E2E_PORT: String(port) },
    },
    ...(hosted
      ? [
          {
            command: `node scripts/e2e-hosted-server.mjs`,
            url: `http://127.0.0.1:${portB}/api/health`,
            // Ready once both web servers answer and an engine leads.
            wait: { stdout: /\[e2e-hosted\] web servers on/ },
            timeout: 180_000,
            reuseExistingServer: false,
            stdout: "pipe" as const,
            stderr: "pipe" as const,
            // SIGTERM, so the script stops both instances and removes its PostgreSQL cluster.
            gracefulShutdown: { signal: "SIGTERM" as const, timeout: 15_000 },
            env: { E2E_HOSTED_PORT_A: String(portA), E2E_HOSTED_PORT_B: String(portB) },
          },
        ]
      : []),
  ],
});
