import type { Metadata } from "next";
import { JobDefinitionRegisterForm } from "@/components/resources/job-definition-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { emptyForm, formToDefinition, requestFromDefinition } from "@/lib/console/job-definition-form";

export const metadata: Metadata = { title: "Register job definition" };

/** `?from=name:revision` starts from that revision, so a new revision changes only what it must. */
export default backendPage(async function NewJobDefinitionPage({
  searchParams,
}: {
  searchParams: Promise<{ from?: string }>;
}) {
  const { from } = await searchParams;
  const ctx = await pageContext();
  if (!can(ctx.role, "jobDefinitions.manage")) {
    return (
      <>
        <PageHeader title="Register job definition" />
        <Alert>Only developers and admins can register job definitions.</Alert>
      </>
    );
  }
  let initial: Record<string, unknown> = formToDefinition(emptyForm()).request;
  let source: string | null = null;
  if (from) {
    const backend = await backendFor(ctx);
    const [found] = (await backend.describeJobDefinitions(ctx, { jobDefinitions: [from] })).jobDefinitions;
    if (found) {
      initial = requestFromDefinition(found);
      source = `${found.jobDefinitionName}:${found.revision}`;
    }
  }
  return (
    <>
      <PageHeader
        title={source ? `New revision of ${String(initial.jobDefinitionName)}` : "Register job definition"}
        description={source ? `Starting from ${source}.` : undefined}
      />
      <Card>
        <JobDefinitionRegisterForm initial={initial} />
      </Card>
    </>
  );
});
