import type { Metadata } from "next";
import { ActionButton } from "@/components/resources/action-button";
import {
  CreateConsumableResourceForm,
  UpdateConsumableQuantityForm,
} from "@/components/resources/consumable-resource-forms";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { quantitiesOf } from "@/lib/batch/shapes/consumable-resources";
import { backendPage } from "@/lib/console/backend-page";
import { allConsumableResources } from "@/lib/console/load-resources";
import { deleteConsumableResourceAction } from "./actions";

export const metadata: Metadata = { title: "Consumable resources" };

const TYPE_LABELS: Record<string, string> = {
  REPLENISHABLE: "Replenishable",
  NON_REPLENISHABLE: "Non-replenishable",
};

const count = (n: number) => n.toLocaleString("en-US");

export default backendPage(async function ConsumableResourcesPage() {
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const resources = await allConsumableResources(backend, ctx);
  const canManage = can(ctx.role, "consumableResources.manage");
  return (
    <>
      <PageHeader
        title="Consumable resources"
        description="Named counters such as licence seats. A job that requires some waits RUNNABLE until enough are available; a replenishable resource gets its quantity back when the job ends, a non-replenishable one does not."
      />
      {canManage ? (
        <Card title="Create consumable resource">
          <CreateConsumableResourceForm />
        </Card>
      ) : null}
      <Card title={`Consumable resources (${resources.length})`}>
        <Table
          label="Consumable resources"
          columns={[
            { header: "Name" },
            { header: "Type" },
            { header: "Total" },
            { header: "In use" },
            { header: "Available" },
            canManage && { header: "Actions", hidden: true },
          ]}
          rows={resources}
          rowKey={(r) => r.consumableResourceArn}
          rowClassName="align-top"
          empty={`No consumable resources.${
            canManage ? " Create one, then name it in a job definition's consumableResourceProperties." : ""
          }`}
          renderRow={(r) => {
            const q = quantitiesOf(r.resourceType, r.totalQuantity, r.inUseQuantity);
            return (
              <>
                <td className="py-2 pr-4 font-medium text-slate-900">{r.consumableResourceName}</td>
                <td className="py-2 pr-4">{TYPE_LABELS[r.resourceType] ?? r.resourceType}</td>
                <td className="py-2 pr-4 tabular-nums">{count(q.totalQuantity)}</td>
                <td className="py-2 pr-4 tabular-nums">{count(q.inUseQuantity)}</td>
                <td className="py-2 pr-4 tabular-nums">{count(q.availableQuantity)}</td>
                {canManage ? (
                  <td className="py-2 text-right">
                    <div className="flex flex-wrap items-start justify-end gap-2">
                      <UpdateConsumableQuantityForm
                        resource={r.consumableResourceArn}
                        name={r.consumableResourceName}
                      />
                      <ActionButton
                        action={deleteConsumableResourceAction}
                        input={{ consumableResource: r.consumableResourceArn }}
                        label="Delete"
                        pendingLabel="Deleting…"
                        variant="danger"
                        ariaLabel={`Delete ${r.consumableResourceName}`}
                        confirm={`Delete consumable resource ${r.consumableResourceName}?`}
                      />
                    </div>
                  </td>
                ) : null}
              </>
            );
          }}
        />
      </Card>
    </>
  );
});
