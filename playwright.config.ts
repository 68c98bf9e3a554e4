import { defineConfig, devices } from "@playwright/test";

// End-to-end specs drive the production build in Debian's Chromium (no browser download).
// The whole suite runs three times: "chromium" against scripts/e2e-server.mjs (laptop mode: a
// throwaway SQLite database, one web server and its engine), then "hosted-a" and "hosted-b"
// through each of the two web servers of scripts/e2e-hosted-server.mjs (one PostgreSQL, two
// web servers, two engines, all through `npm run start:prod`). E2E_HOSTED=false leaves the
// hosted topology out, for a quicker local run. Specs reach the server under test through
// their project's baseURL (e2e/api.ts for /v1 seeding).
const port = Number(process.env.E2E_PORT ?? 3217);
const portA = port + 1;
const portB = port + 2;
export const baseURL = `http://127.0.0.1:${port}`;
const hosted = !["false", "0", "no", "off"].includes((process.env.E2E_HOSTED ?? "").toLowerCase());

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
          { name: "hosted-a", use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${portA}` } },
          { name: "hosted-b", use: { ...devices["Desktop Chrome"], baseURL: `http://127.0.0.1:${portB}` } },
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
