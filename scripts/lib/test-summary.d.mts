export interface TestReport {
  runner: string;
  passed: number;
  failed: number;
  skipped: number;
  failedTests: string[];
  errorsOutsideTests: string[];
}
export interface Step {
  name: string;
  ok: boolean;
  /** undefined: the step runs no tests; null: its test report is missing. */
  report?: TestReport | null;
}
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  failedTests: string[];
  failedSteps: { name: string; why: string }[];
  lines: string[];
  exitCode: 0 | 1;
}
export function fromPlaywrightJson(json: unknown): TestReport;
export function summarize(steps: Step[]): Summary;
