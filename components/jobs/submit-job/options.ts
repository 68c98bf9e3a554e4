// What the submit form offers to choose from, read by its page (app/(console)/jobs/new).

export interface QueueOption {
  name: string;
  state: string;
  fairShare: boolean;
}

export interface DefinitionOption {
  name: string;
  revisions: number[];
  /** Latest revision's parameter defaults and command, as hints. */
  parameters: Record<string, string>;
  command: string[];
}
