import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SchedulingPolicyForm } from "@/components/resources/scheduling-policy-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { allSchedulingPolicies } from "@/lib/console/load-resources";
import { schedulingPolicyValuesFromDetail } from "@/lib/console/scheduling-policy-values";

export const metadata: Metadata = { title: "Edit scheduling policy" };

export default backendPage(async function EditSchedulingPolicyPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const policy = (await allSchedulingPolicies(backend, ctx)).find((p) => p.name === name);
  if (!policy) notFound();
  return (
    <>
      <PageHeader title={`Edit ${name}`} description={policy.arn} />
      {can(ctx.role, "schedulingPolicies.manage") ? (
        <Card>
          <SchedulingPolicyForm mode="edit" initial={schedulingPolicyValuesFromDetail(policy)} />
        </Card>
      ) : (
        <Alert>Only admins can change scheduling policies.</Alert>
      )}
    </>
  );
});
