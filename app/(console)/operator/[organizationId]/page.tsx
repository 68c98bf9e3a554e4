import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { QuotaForm } from "@/components/quotas/quota-form";
import { QuotaUsageList } from "@/components/quotas/quota-usage-list";
import { Card, PageHeader } from "@/components/ui/card";
import { isOperator } from "@/lib/auth/operator";
import { pageContext } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { getOrganizationForOperator } from "@/lib/operator/organizations";

export const metadata: Metadata = { title: "Organization quotas" };

export default async function OperatorOrganizationPage({ params }: { params: Promise<{ organizationId: string }> }) {
  const ctx = await pageContext();
  if (!(await isOperator(ctx.db, ctx.user.id))) notFound();
  const { organizationId } = await params;
  const org = await getOrganizationForOperator(ctx, organizationId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  return (
    <>
      <PageHeader
        title={org.name}
        description={
          <>
            <Link href="/operator" className="text-indigo-700 underline hover:no-underline">
              Operator
            </Link>{" "}
            › {org.slug} · {org.backend === "aws" ? "AWS Batch" : "Built-in engine"}
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Usage against quotas">
          <QuotaUsageList settings={org.settings} usage={org.usage} backend={org.backend} logBytes={org.logBytes} />
        </Card>
        <Card title="Quotas">
          <QuotaForm organizationId={org.id} settings={org.settings} />
        </Card>
      </div>
    </>
  );
}
