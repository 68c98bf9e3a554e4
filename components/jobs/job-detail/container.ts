import type { JobDetail } from "@/lib/batch/shapes/jobs";

/** The parts of a job's resolved container the page shows (its image, command and environment). */
export interface ShownContainer {
  command?: string[];
  environment?: { name: string; value: string }[];
  image?: string;
}

export const containerOf = (job: JobDetail) => job.container as ShownContainer;
