// `Ref::name` placeholders in a job's command, filled from the job definition's parameter
// defaults overridden by the submission's parameters, as AWS Batch does. A placeholder may
// stand alone ("Ref::inputfile") or sit inside an argument ("--in=Ref::inputfile"), which is
// what commands like `sh -c "echo Ref::msg"` rely on. A placeholder with no value stays as
// written: AWS passes it through literally rather than failing the submission.

/** Parameter names: letters, digits and underscores; the name ends at the first other char. */
const PLACEHOLDER = /Ref::([A-Za-z0-9_]+)/g;

export type Parameters = Record<string, string>;

/** The submission's values win over the definition's defaults. */
export function mergeParameters(defaults: Parameters, overrides: Parameters | undefined): Parameters {
  return { ...defaults, ...(overrides ?? {}) };
}

export function substituteParameters(command: readonly string[], parameters: Parameters): string[] {
  return command.map((arg) =>
    arg.replace(PLACEHOLDER, (whole, name: string) =>
      Object.hasOwn(parameters, name) ? (parameters[name] as string) : whole,
    ),
  );
}

/** Names referenced by the command, for the console's "which parameters does this take". */
export function referencedParameters(command: readonly string[]): string[] {
  const names = new Set<string>();
  for (const arg of command) for (const m of arg.matchAll(PLACEHOLDER)) names.add(m[1] as string);
  return [...names];
}
