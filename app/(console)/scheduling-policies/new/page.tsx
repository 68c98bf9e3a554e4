import type { Metadata } from "next";
import { SchedulingPolicyForm } from "@/components/resources/scheduling-policy-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { EMPTY_SCHEDULING_POLICY } from "@/lib/console/scheduling-policy-values";

export const metadata: Metadata = { title: "Create scheduling policy" };

export default async function NewSchedulingPolicyPage() {
  const ctx = await pageContext();
  return (
    <>
      <PageHeader title="Create scheduling policy" />
      {can(ctx.role, "schedulingPolicies.manage") ? (
        <Card>
          <SchedulingPolicyForm mode="create" initial={EMPTY_SCHEDULING_POLICY} />
        </Card>
      ) : (
        <Alert>Only admins can create scheduling policies.</Alert>
      )}
    </>
  );
}
