// Where the schedules console lives. Not /schedules: that path is EventBridge Scheduler's API
// (app/schedules, called by AWS SDKs), and Next cannot serve a page and a route handler on one
// path, nor `[group]` beside the API's `[name]`.
export const SCHEDULES_PATH = "/job-schedules";

export const scheduleHref = (groupName: string, name: string) =>
  `${SCHEDULES_PATH}/${encodeURIComponent(groupName)}/${encodeURIComponent(name)}`;

export const jobHref = (jobId: string) => `/jobs/${encodeURIComponent(jobId)}`;
