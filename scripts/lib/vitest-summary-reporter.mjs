// A vitest reporter that counts tests the way `npm test`'s summary states them
// (scripts/lib/test-summary.mjs). Vitest's own JSON report cannot: a test that never ran because
// a beforeAll around it threw is marked "skipped" exactly like one its author skipped, and an
// afterAll or import error fails a file without failing any test. Here a test skipped while a
// suite around it failed with an error of its own counts as failed, a test its author skipped
// (skip, todo, or left out by .only; known at collection, before any hook ran) as skipped, and
// every suite or file error that made no test fail, and every unhandled error, is listed as an
// error outside tests.
//
// Output: `--outputFile.summary=<path>` (or the reporter option `outputFile`), JSON:
// { runner, passed, failed, skipped, failedTests: string[], errorsOutsideTests: string[] }.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const firstLine = (error) => String(error?.message ?? error ?? "").split("\n")[0];

export default class SummaryReporter {
  #outputFile;
  #root = process.cwd();
  #authorSkipped = new Set();

  constructor(options = {}) {
    this.#outputFile = options.outputFile;
  }

  onInit(vitest) {
    this.#root = vitest.config.root;
    const configured = vitest.config.outputFile;
    this.#outputFile ??= typeof configured === "object" ? configured?.summary : undefined;
  }

  onTestModuleCollected(testModule) {
    for (const test of testModule.children.allTests()) {
      if (test.options.mode === "skip" || test.options.mode === "todo") this.#authorSkipped.add(test.id);
    }
  }

  onTestRunEnd(testModules, unhandledErrors = []) {
    const report = { runner: "vitest", passed: 0, failed: 0, skipped: 0, failedTests: [], errorsOutsideTests: [] };
    for (const testModule of testModules) this.#countModule(testModule, report);
    for (const error of unhandledErrors) report.errorsOutsideTests.push(`unhandled error: ${firstLine(error)}`);
    if (!this.#outputFile) return;
    const file = resolve(this.#root, this.#outputFile);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  }

  #countModule(testModule, report) {
    // Suites (and the file) that failed with an error of their own: a hook, an import, a throw
    // in the describe body. Each is charged to the tests it kept from running, if any.
    const broken = new Map();
    for (const entity of [testModule, ...testModule.children.allSuites()]) {
      const errors = entity.errors();
      if (errors.length > 0) broken.set(entity, { errors, charged: 0 });
    }
    const where = (entity) =>
      entity.type === "module" ? entity.relativeModuleId : `${entity.module.relativeModuleId} > ${entity.fullName}`;
    for (const test of testModule.children.allTests()) {
      const name = `${test.module.relativeModuleId} > ${test.fullName}`;
      const state = test.result().state;
      if (state === "passed") {
        report.passed++;
        continue;
      }
      if (state === "failed") {
        report.failed++;
        report.failedTests.push(name);
        continue;
      }
      const cause =
        state === "skipped" && !this.#authorSkipped.has(test.id) ? this.#brokenAncestor(test, broken) : undefined;
      if (cause) {
        cause.charged++;
        report.failed++;
        report.failedTests.push(`${name} (did not run: ${firstLine(cause.errors[0])})`);
      } else if (state === "skipped") {
        report.skipped++;
      } else {
        // Still pending at the end: the run was cut short.
        report.failed++;
        report.failedTests.push(`${name} (did not finish)`);
      }
    }
    for (const [entity, { errors, charged }] of broken) {
      if (charged === 0) report.errorsOutsideTests.push(`${where(entity)}: ${firstLine(errors[0])}`);
    }
  }

  #brokenAncestor(test, broken) {
    for (let entity = test.parent; entity; entity = entity.type === "module" ? undefined : entity.parent) {
      const found = broken.get(entity);
      if (found) return found;
    }
    return undefined;
  }
}
