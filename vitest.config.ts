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
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ["dot"] : ["default"],
  },
});
