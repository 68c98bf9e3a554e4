// The fair-share editor's values, and how a described policy fills them.

export interface ShareRow {
  shareIdentifier: string;
  weightFactor: string;
}

export interface SchedulingPolicyFormValues {
  name: string;
  arn: string;
  shareDecaySeconds: string;
  computeReservation: string;
  shares: ShareRow[];
}

export const EMPTY_SCHEDULING_POLICY: SchedulingPolicyFormValues = {
  name: "",
  arn: "",
  shareDecaySeconds: "",
  computeReservation: "",
  shares: [],
};

export function schedulingPolicyValuesFromDetail(detail: {
  name: string;
  arn: string;
  fairsharePolicy: Record<string, unknown>;
}): SchedulingPolicyFormValues {
  const fs = detail.fairsharePolicy as {
    shareDecaySeconds?: number;
    computeReservation?: number;
    shareDistribution?: { shareIdentifier: string; weightFactor?: number }[];
  };
  return {
    name: detail.name,
    arn: detail.arn,
    shareDecaySeconds: fs.shareDecaySeconds === undefined ? "" : String(fs.shareDecaySeconds),
    computeReservation: fs.computeReservation === undefined ? "" : String(fs.computeReservation),
    shares: (fs.shareDistribution ?? []).map((s) => ({
      shareIdentifier: s.shareIdentifier,
      weightFactor: s.weightFactor === undefined ? "" : String(s.weightFactor),
    })),
  };
}
