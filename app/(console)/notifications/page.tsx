import type { Metadata } from "next";
import { CreateEndpointForm } from "@/components/notifications/create-endpoint-form";
import { CreateRuleForm } from "@/components/notifications/create-rule-form";
import { DeliveryLog } from "@/components/notifications/delivery-log";
import { EndpointsTable } from "@/components/notifications/endpoints-table";
import { LiveRefresh } from "@/components/notifications/live-refresh";
import { RulesTable } from "@/components/notifications/rules-table";
import { VERIFY_SNIPPET } from "@/components/notifications/verify-snippet";
import { Card, PageHeader } from "@/components/ui/card";
import type { OrgContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { listDeliveries } from "@/lib/automation/destination-state";
import { listApiDestinationsForConsole } from "@/lib/automation/event-destinations";
import { listRulesWithTargets } from "@/lib/automation/event-rules";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { collectPages } from "@/lib/console/collect";
import { allJobQueues } from "@/lib/console/load-resources";

export const metadata: Metadata = { title: "Notifications" };

const DELIVERIES_SHOWN = 100;

/** What the rule form offers: the organization's queues (by ARN) and active definitions by name. */
async function ruleOptions(ctx: OrgContext) {
  const backend = await backendFor(ctx);
  const [queues, definitions] = await Promise.all([
    allJobQueues(backend, ctx),
    collectPages(async (nextToken) => {
      const r = await backend.describeJobDefinitions(ctx, { status: "ACTIVE", maxResults: 100, nextToken });
      return { items: r.jobDefinitions, nextToken: r.nextToken };
    }),
  ]);
  return {
    queues: queues
      .map((q) => ({ name: String(q.jobQueueName), arn: String(q.jobQueueArn) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    definitions: [...new Set(definitions.items.map((d) => String(d.jobDefinitionName)))].sort(),
  };
}

export default backendPage(async function NotificationsPage() {
  const ctx = await pageContext();
  const canManage = can(ctx.role, "schedules.manage");
  const [endpoints, rules, deliveries, options] = await Promise.all([
    listApiDestinationsForConsole(ctx),
    listRulesWithTargets(ctx),
    listDeliveries(ctx, DELIVERIES_SHOWN),
    canManage ? ruleOptions(ctx) : Promise.resolve(null),
  ]);
  const pending = deliveries.some((d) => d.finishedAt === null);
  return (
    <>
      <PageHeader
        title="Notifications"
        description={
          <>
            Job state changes sent where you want them: a rule matches AWS Batch&apos;s &ldquo;Batch Job State
            Change&rdquo; events and POSTs each match to a webhook endpoint, signed, or submits a job. On the built-in
            engine an event is sent within about a second of the change; a failed delivery is retried with backoff for a
            day, after which the endpoint is paused until you resume it.
          </>
        }
      />
      <Card title={`Webhook endpoints (${endpoints.length})`}>
        {canManage ? (
          <div className="mb-6">
            <CreateEndpointForm snippet={VERIFY_SNIPPET} />
          </div>
        ) : null}
        <EndpointsTable endpoints={endpoints} canManage={canManage} snippet={VERIFY_SNIPPET} />
      </Card>
      <Card title={`Rules (${rules.length})`} className="mt-4">
        {options ? (
          <div className="mb-6">
            <CreateRuleForm
              queues={options.queues}
              definitions={options.definitions}
              endpoints={endpoints.map((d) => ({ name: d.name, arn: d.arn }))}
            />
          </div>
        ) : null}
        <RulesTable rules={rules} canManage={canManage} />
      </Card>
      <Card
        title={`Delivery log (latest ${DELIVERIES_SHOWN})`}
        className="mt-4"
        actions={<LiveRefresh active={pending} />}
      >
        <DeliveryLog deliveries={deliveries} />
        <p className="mt-3 text-xs text-slate-500">Finished deliveries are kept for a week.</p>
      </Card>
    </>
  );
});
