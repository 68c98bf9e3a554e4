// The closing summary of `npm test` (scripts/test.mjs): tests counted once each, from the
// runners' reports, and the steps that failed outside any test named on their own.
//
// A report is { runner, passed, failed, skipped, failedTests, errorsOutsideTests }: vitest's is
// written by scripts/lib/vitest-summary-reporter.mjs, Playwright's is read from its JSON reporter
// by fromPlaywrightJson. A step is { name, ok, report? }: `report` is undefined for a step that
// runs no tests (lint, types, build), and null for a test step whose report is missing (a runner
// that crashed before writing it).

const firstLine = (text) => String(text ?? "").split("\n")[0];

/** Playwright's JSON report as counts. A test that did not run although it was meant to (a
 * beforeAll around it failed, the run was cut short) counts as failed; a test skipped by its
 * author (skip, fixme, test.skip() in a hook or the body) as skipped. Errors outside tests
 * (global setup, the web server, a spec file that failed to load) are listed. */
export function fromPlaywrightJson(json) {
  const report = { runner: "playwright", passed: 0, failed: 0, skipped: 0, failedTests: [], errorsOutsideTests: [] };
  const visit = (suite, path) => {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const name = [test.projectName ? `[${test.projectName}]` : "", ...here, spec.title].filter(Boolean).join(" > ");
        if (test.status === "expected") report.passed++;
        else if (test.status === "skipped" && test.expectedStatus === "skipped") report.skipped++;
        else {
          report.failed++;
          const why = test.status === "skipped" ? " (did not run)" : test.status === "flaky" ? " (flaky)" : "";
          report.failedTests.push(`${name}${why}`);
        }
      }
    }
    for (const child of suite.suites ?? []) visit(child, here);
  };
  for (const suite of json.suites ?? []) visit(suite, []);
  for (const error of json.errors ?? []) report.errorsOutsideTests.push(firstLine(error.message ?? error.value));
  return report;
}

/** Totals over every step's report, the steps that failed outside any test, the lines to print
 * and the exit code. A step failed outside its tests when it failed and no failed test explains
 * it (lint, types, build, a runner that crashed or left no report), or when its runner reported
 * an error that no test carries (an afterAll, a file that would not load, an unhandled error). */
export function summarize(steps) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failedTests = [];
  const failedSteps = [];
  for (const step of steps) {
    const report = step.report;
    if (report) {
      totals.passed += report.passed;
      totals.failed += report.failed;
      totals.skipped += report.skipped;
      failedTests.push(...report.failedTests);
    }
    if (report === null) failedSteps.push({ name: step.name, why: "no test report" });
    else if (report && report.errorsOutsideTests.length > 0) {
      failedSteps.push({ name: step.name, why: report.errorsOutsideTests.join("; ") });
    } else if (!step.ok && !(report && report.failed > 0)) {
      failedSteps.push({ name: step.name, why: report ? "exited non-zero with no failed test" : "" });
    }
  }
  const line =
    `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}` +
    (failedSteps.length ? `; steps failed: ${failedSteps.map((s) => s.name).join(", ")}` : "");
  const lines = [
    ...failedTests.map((name) => `  failed: ${name}`),
    ...failedSteps.filter((s) => s.why).map((s) => `  step failed: ${s.name}: ${s.why}`),
    line,
  ];
  const anyFailed = totals.failed > 0 || failedSteps.length > 0 || steps.some((s) => !s.ok);
  return { ...totals, failedTests, failedSteps, lines, exitCode: anyFailed ? 1 : 0 };
}
