// Which Node.js versions `npm start` and `npm test` accept, and where they find the headers to
// build the native SQLite addon for the running Node (scripts/lib/setup.mjs). The rebuild after a
// Node switch is exercised for real by scripts/check-node.mjs in CI.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper without type declarations
import { nodeHeadersDir, nodeVersionProblem, SUPPORTED_NODE } from "../../scripts/lib/setup.mjs";

const root = join(import.meta.dirname, "../..");

describe("supported Node.js versions", () => {
  it.each([
    ["v20.19.0", true],
    ["v20.20.2", true],
    ["v22.12.0", true],
    ["v24.0.0", true],
    ["v26.10.0", true],
    ["v20.18.3", false],
    ["v22.11.0", false],
    ["v18.20.0", false],
    ["v21.7.0", false],
    ["v25.2.0", false],
    ["v27.0.0", false],
  ])("%s supported: %s", (version, supported) => {
    const problem = nodeVersionProblem(version);
    if (supported) expect(problem).toBeNull();
    else expect(problem).toMatch(new RegExp(`Node.js ${version} is not supported: use 20\\.19\\+`));
  });

  it("package.json's engines names the same lines", () => {
    const engines = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.node as string;
    const lines = (SUPPORTED_NODE as { major: number; minor: number }[]).map((s) => `^${s.major}.${s.minor}.0`);
    expect(engines.split("||").map((s) => s.trim())).toEqual(lines);
  });
});

describe("headers for building the native addon", () => {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-headers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fakeNode = (name: string, major: string) => {
    const home = join(dir, name);
    mkdirSync(join(home, "include/node"), { recursive: true });
    writeFileSync(join(home, "include/node/node_version.h"), `#define NODE_MAJOR_VERSION ${major}\n`);
    return home;
  };
  const running = process.versions.node.split(".")[0]!;

  it("uses the configured folder when its headers are this Node's", () => {
    const home = fakeNode("same", running);
    expect(nodeHeadersDir({ ...process.env, npm_config_nodedir: home })).toBe(home);
  });

  it("passes over a configured folder with another Node's headers", () => {
    const other = fakeNode("other", String(Number(running) + 6));
    const found = nodeHeadersDir({ ...process.env, npm_config_nodedir: other });
    expect(found).not.toBe(other);
    if (found) {
      const header = readFileSync(join(found, "include/node/node_version.h"), "utf8");
      expect(header).toMatch(new RegExp(`#define NODE_MAJOR_VERSION ${running}\\b`));
    }
  });
});
