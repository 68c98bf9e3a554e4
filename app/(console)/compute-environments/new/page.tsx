import type { Metadata } from "next";
import { AwsComputeEnvironmentCreateForm } from "@/components/resources/aws-compute-environment-form";
import { ComputeEnvironmentForm } from "@/components/resources/compute-environment-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { emptyAwsComputeEnvironmentForm } from "@/lib/console/aws-compute-environment-form";
import { backendPage } from "@/lib/console/backend-page";
import { EMPTY_COMPUTE_ENVIRONMENT } from "@/lib/console/compute-environment-values";
import { hostCapacity } from "@/lib/resources/compute-environments/host";

export const metadata: Metadata = { title: "Create compute environment" };

export default backendPage(async function NewComputeEnvironmentPage() {
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  return (
    <>
      <PageHeader title="Create compute environment" />
      {!can(ctx.role, "computeEnvironments.manage") ? (
        <Alert>Only admins can create compute environments.</Alert>
      ) : backend.kind === "aws" ? (
        // AWS Batch's own fields (provisioning model, instance types, networking, roles) and the
        // request as JSON; the built-in engine's form below carries memory and GPUs as tags.
        <Card>
          <AwsComputeEnvironmentCreateForm initial={emptyAwsComputeEnvironmentForm()} />
        </Card>
      ) : (
        <Card>
          <ComputeEnvironmentForm
            mode="create"
            initial={EMPTY_COMPUTE_ENVIRONMENT}
            host={backend.kind === "builtin" ? await hostCapacity(ctx.db) : null}
          />
        </Card>
      )}
    </>
  );
});
