// What the submit form offers to choose from, read by its page (app/(console)/jobs/new).
import type { EnvironmentSize } from "@/lib/console/capacity-warnings";

export interface QueueOption {
  name: string;
  state: string;
  fairShare: boolean;
  /** Its compute environments and the most each can ever hand one job, to warn of a job none can run. */
  environments: EnvironmentSize[];
}

export interface DefinitionOption {
  name: string;
  revisions: number[];
  /** Latest revision's parameter defaults and command, as hints. */
  parameters: Record<string, string>;
  command: string[];
  /** What each revision asks for (VCPU, MEMORY), by revision number; absent where it does not say. */
  resources: Record<string, { vcpus?: number; memoryMiB?: number }>;
}
