// The tag an array of failed children submitted again carries: the id of the array they failed
// in (lib/jobs/resubmit-failed-children.ts). Its own module: the job page (a client component)
// reads it too.
export const FAILED_CHILDREN_OF = "batchdeck:failedChildrenOf";
