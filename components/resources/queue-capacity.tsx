import type { CapacityUsage, QueueUtilization } from "@/lib/jobs/queue-utilization";

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, ""));

/** "3 vCPUs"; AWS's other units (EKS "cpu", an instance type for service jobs) as AWS names them. */
function amount(usage: CapacityUsage[]): string {
  if (usage.length === 0) return "None";
  return usage
    .map((u) =>
      u.capacityUnit === "VCPU"
        ? `${round(u.quantity)} vCPU${u.quantity === 1 ? "" : "s"}`
        : `${round(u.quantity)} ${u.capacityUnit}`,
    )
    .join(", ");
}

/**
 * The queue's capacity in use and, on a fair-share queue, its active shares (AWS's console's
 * words), from GetJobQueueSnapshot's queueUtilization: rows of the page's details list. The
 * shares row follows fairshareUtilization, which comes only for fair-share queues.
 */
export function QueueCapacity({ utilization }: { utilization?: QueueUtilization }) {
  const shares = utilization?.fairshareUtilization;
  const hidden = shares ? shares.activeShareCount - shares.topCapacityUtilization.length : 0;
  return (
    <>
      <dt className="text-slate-500">Capacity in use</dt>
      <dd className="tabular-nums" data-testid="queue-capacity">
        {utilization ? amount(utilization.totalCapacityUsage) : "Not reported"}
      </dd>
      {shares ? (
        <>
          <dt className="text-slate-500">Active shares</dt>
          <dd data-testid="queue-active-shares">
            {shares.activeShareCount === 0 ? (
              "None"
            ) : (
              <ul>
                {shares.topCapacityUtilization.map((s) => (
                  <li key={s.shareIdentifier}>
                    <span className="font-mono text-xs">{s.shareIdentifier}</span>{" "}
                    <span className="tabular-nums text-slate-600">{amount(s.capacityUsage)}</span>
                  </li>
                ))}
                {hidden > 0 ? <li className="text-slate-500">and {hidden} more</li> : null}
              </ul>
            )}
          </dd>
        </>
      ) : null}
    </>
  );
}
