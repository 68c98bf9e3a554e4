import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}` },
      // Next's guard against importing server code into the browser bundle; in tests every
      // module runs on the server.
      { find: /^server-only$/, replacement: `${root}tests/helpers/empty.ts` },
    ],
  },
  test: {
    include: [
      "lib/**/*.test.ts",
      "components/**/*.test.ts",
      "engine/**/*.test.ts",
      "tests/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    globalSetup: ["tests/helpers/global-setup.ts"],
    pool: "forks",
    // Engines in tests run environments that promise more vCPUs than a 2-core CI machine has
    // (several jobs side by side); the engine holds all environments to cores × this
    // (engine/options.ts). Tests of that limit set the engine's own.
    env: { BATCHDECK_VCPU_OVERCOMMIT: process.env.BATCHDECK_VCPU_OVERCOMMIT ?? "64" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ["dot"] : ["default"],
  },
});
