// The Usage page's CSV: GET ?from=YYYY-MM-DD&to=YYYY-MM-DD&group=day|queue|definition|share|user,
// one row per (day, group) with exact figures (lib/usage/usage-csv.ts), as a download.
import { orgRoute } from "@/lib/auth/route";
import { organizationUsage } from "@/lib/usage/organization-usage";
import { usageCsv, usageCsvFilename } from "@/lib/usage/usage-csv";
import { usageQueryInput } from "@/lib/usage/usage-input";

export const dynamic = "force-dynamic";

export const GET = orgRoute({ permission: "usage.view", query: usageQueryInput }, async ({ ctx, query }) => {
  const { report } = await organizationUsage(ctx, query);
  return new Response(usageCsv(report), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${usageCsvFilename(report)}"`,
      "cache-control": "no-store",
    },
  });
});
