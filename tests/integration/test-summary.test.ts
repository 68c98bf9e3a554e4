// `npm test`'s closing line counts tests, each once, and names the steps that failed outside any
// test. The reports are real: vitest (with scripts/lib/vitest-summary-reporter.mjs) and
// Playwright run on tests/fixtures/test-summary, whose files hold one passing test, one failing,
// one skipped by its author and a suite whose beforeAll throws, plus (vitest) a file whose
// afterAll throws and one that fails to load.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPlaywrightJson, summarize, type TestReport } from "@/scripts/lib/test-summary.mjs";

const root = join(import.meta.dirname, "../..");
const fixture = join(root, "tests/fixtures/test-summary");

function run(bin: string, args: string[], out: string): Promise<number> {
  // The runners under test must not think they run inside this vitest.
  const env: NodeJS.ProcessEnv = { ...process.env, SUMMARY_FIXTURE_OUT: out };
  for (const name of Object.keys(env)) if (/^(VITEST|TEST_|PLAYWRIGHT_)/.test(name)) delete env[name];
  return new Promise((resolve) => {
    execFile(join(root, "node_modules/.bin", bin), args, { cwd: root, env }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
}

describe("the test summary, from real reports of a failing fixture run", () => {
  let out: string;
  let vitest: TestReport;
  let vitestJson: { numFailedTests: number; numPendingTests: number };
  let playwright: TestReport;
  let codes: { vitest: number; playwright: number };

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "test-summary-"));
    const [v, p] = await Promise.all([
      run(
        "vitest",
        [
          "run",
          "--config",
          join(fixture, "vitest.config.ts"),
          "--reporter=./scripts/lib/vitest-summary-reporter.mjs",
          "--reporter=json",
          `--outputFile.summary=${join(out, "vitest-summary.json")}`,
          `--outputFile.json=${join(out, "vitest.json")}`,
        ],
        out,
      ),
      run("playwright", ["test", "--config", join(fixture, "playwright.config.ts")], out),
    ]);
    codes = { vitest: v, playwright: p };
    vitest = JSON.parse(readFileSync(join(out, "vitest-summary.json"), "utf8"));
    vitestJson = JSON.parse(readFileSync(join(out, "vitest.json"), "utf8"));
    playwright = fromPlaywrightJson(JSON.parse(readFileSync(join(out, "playwright.json"), "utf8")));
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("both runners failed", () => {
    expect(codes).toEqual({ vitest: 1, playwright: 1 });
  });

  it("vitest: a suite whose beforeAll threw fails its tests; afterAll and load errors are errors outside tests", () => {
    // Vitest's own JSON calls the beforeAll's tests skipped, like the author's skip: why the
    // summary has a reporter of its own.
    expect(vitestJson).toMatchObject({ numFailedTests: 1, numPendingTests: 3 });
    expect(vitest).toMatchObject({ passed: 2, failed: 3, skipped: 1 });
    expect(vitest.failedTests).toEqual([
      "counts.fixture.ts > plain > fails",
      "counts.fixture.ts > setup throws > never runs, first (did not run: beforeAll broke)",
      "counts.fixture.ts > setup throws > never runs, second (did not run: beforeAll broke)",
    ]);
    expect(vitest.errorsOutsideTests.sort()).toEqual([
      expect.stringMatching(/^load\.fixture\.ts: module load broke/),
      expect.stringMatching(/^teardown\.fixture\.ts: afterAll broke/),
    ]);
  });

  it("Playwright: the test that carries the beforeAll's error and the one that did not run both fail", () => {
    expect(playwright).toMatchObject({ passed: 1, failed: 3, skipped: 1, errorsOutsideTests: [] });
    expect(playwright.failedTests).toEqual([
      "counts.pwfixture.ts > plain > fails",
      "counts.pwfixture.ts > setup throws > never runs, first",
      "counts.pwfixture.ts > setup throws > never runs, second (did not run)",
    ]);
  });

  it("counts each failed test once and names failed steps on their own", () => {
    const summary = summarize([
      { name: "lint", ok: false },
      { name: "types", ok: true },
      { name: "vitest", ok: codes.vitest === 0, report: vitest },
      { name: "playwright", ok: codes.playwright === 0, report: playwright },
    ]);
    expect(summary.lines.at(-1)).toBe("3 passed, 6 failed, 2 skipped; steps failed: lint, vitest");
    expect(summary.failedSteps.map((s) => s.name)).toEqual(["lint", "vitest"]);
    expect(summary.exitCode).toBe(1);
  });

  it("a run whose tests failed and whose other steps passed lists no step", () => {
    const summary = summarize([
      { name: "lint", ok: true },
      { name: "playwright", ok: false, report: playwright },
    ]);
    expect(summary.lines.at(-1)).toBe("1 passed, 3 failed, 1 skipped");
    expect(summary.exitCode).toBe(1);
  });

  it("a failed step with passing tests, and a runner that left no report, fail the run", () => {
    const passing: TestReport = { ...playwright, failed: 0, failedTests: [] };
    const lintOnly = summarize([
      { name: "lint", ok: false },
      { name: "playwright", ok: true, report: passing },
    ]);
    expect(lintOnly.lines.at(-1)).toBe("1 passed, 0 failed, 1 skipped; steps failed: lint");
    expect(lintOnly.exitCode).toBe(1);
    const crashed = summarize([
      { name: "vitest", ok: false, report: null },
      { name: "playwright", ok: false, report: passing },
    ]);
    expect(crashed.lines.at(-1)).toBe("1 passed, 0 failed, 1 skipped; steps failed: vitest, playwright");
    expect(crashed.failedSteps).toEqual([
      { name: "vitest", why: "no test report" },
      { name: "playwright", why: "exited non-zero with no failed test" },
    ]);
    expect(summarize([{ name: "playwright", ok: true, report: passing }]).exitCode).toBe(0);
  });
});
