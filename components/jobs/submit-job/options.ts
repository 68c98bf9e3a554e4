// What the submit form offers to choose from, read by its page (app/(console)/jobs/new).
import type { EnvironmentSize } from "@/lib/console/capacity-warnings";

export interface QueueOption {
  name: string;
  state: string;
  fairShare: boolean;
  /** Its compute environments and the most each can ever hand one job, to warn of a job none can run. */
  environments: EnvironmentSize[];
}

/** What one revision runs and asks for, as the form's hints and warnings use it. */
export interface RevisionHints {
  command: string[];
  /** Its parameter defaults. */
  parameters: Record<string, string>;
  /** What it asks for (VCPU, MEMORY); absent where it does not say. */
  vcpus?: number;
  memoryMiB?: number;
}

export interface DefinitionOption {
  name: string;
  revisions: number[];
  /** Each revision's hints, by revision number (as a string). */
  byRevision: Record<string, RevisionHints>;
}

/**
 * The hints of the revision the form names ("" is the latest active one): the "Runs …" line,
 * parameter defaults and the "never fits" warning all speak of the revision that will run.
 */
export function revisionHints(definition: DefinitionOption | undefined, revision: string): RevisionHints | undefined {
  if (!definition) return undefined;
  const chosen = revision || String(Math.max(0, ...definition.revisions));
  return definition.byRevision[chosen];
}
