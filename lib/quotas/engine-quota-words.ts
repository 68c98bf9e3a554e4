// The console's words for a job the engine holds back for its organization's running-vCPU quota
// ("why isn't this job running", components/jobs/why-panel.tsx). Pure: the panel runs in the
// browser.

export interface RunningVcpuQuotaFigures {
  /** The organization's quota (maxRunningVcpus). */
  quota: number;
  /** vCPUs its STARTING and RUNNING jobs hold now. */
  held: number;
  /** What this job asks for. */
  requested: number;
}

const vcpus = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });
const unit = (n: number) => `${vcpus(n)} vCPU${n === 1 ? "" : "s"}`;
const running = (n: number) => `${vcpus(n)} running vCPU${n === 1 ? "" : "s"}`;

/** e.g. "Your organization's quota of 4 running vCPUs is in use (4 of 4); this job needs 2." */
export function runningVcpuQuotaSentence(r: RunningVcpuQuotaFigures): string {
  if (r.requested > r.quota) {
    return (
      `This job needs ${unit(r.requested)}, more than your organization's quota of ${running(r.quota)} ` +
      "allows: it cannot start unless the quota is raised."
    );
  }
  return (
    `Your organization's quota of ${running(r.quota)} is in use (${vcpus(r.held)} of ${vcpus(r.quota)}); ` +
    `this job needs ${vcpus(r.requested)}. It starts when the organization's running jobs give enough back.`
  );
}
