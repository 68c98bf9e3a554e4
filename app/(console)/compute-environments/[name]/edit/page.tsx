import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ComputeEnvironmentForm } from "@/components/resources/compute-environment-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { valuesFromDetail } from "@/lib/console/compute-environment-values";
import { hostCapacity } from "@/lib/resources/compute-environments/host";

export const metadata: Metadata = { title: "Edit compute environment" };

export default backendPage(async function EditComputeEnvironmentPage({
  params,
}: {
  params: Promise<{ name: string }>;
}) {
  const name = decodeURIComponent((await params).name);
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const [detail] = (await backend.describeComputeEnvironments(ctx, { computeEnvironments: [name] }))
    .computeEnvironments;
  if (!detail) notFound();
  return (
    <>
      <PageHeader
        title={`Edit ${name}`}
        description={`${detail.type} compute environment · ${detail.computeEnvironmentArn}`}
      />
      {can(ctx.role, "computeEnvironments.manage") ? (
        <Card>
          <ComputeEnvironmentForm
            mode="edit"
            initial={valuesFromDetail(detail)}
            host={backend.kind === "builtin" ? await hostCapacity(ctx.db) : null}
          />
        </Card>
      ) : (
        <Alert>Only admins can change compute environments.</Alert>
      )}
    </>
  );
});
