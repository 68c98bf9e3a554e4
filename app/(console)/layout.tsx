import type { ReactNode } from "react";
import { MobileMenu } from "@/components/shell/mobile-menu";
import { Nav, type NavItem } from "@/components/shell/nav";
import { OrgSwitcher } from "@/components/shell/org-switcher";
import { isOperator } from "@/lib/auth/operator";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { listMyOrganizations } from "@/lib/organizations/list-my-organizations";
import { signOutAction } from "./actions";

const NAV: NavItem[] = [
  { href: "/", label: "Overview", available: true },
  { href: "/dashboard", label: "Dashboard", available: true },
  { href: "/usage", label: "Usage", available: true },
  { href: "/jobs", label: "Jobs", available: true },
  { href: "/job-schedules", label: "Schedules", available: true },
  { href: "/notifications", label: "Notifications", available: true },
  { href: "/job-queues", label: "Job queues", available: true },
  { href: "/compute-environments", label: "Compute environments", available: true },
  { href: "/job-definitions", label: "Job definitions", available: true },
  { href: "/scheduling-policies", label: "Scheduling policies", available: true },
  { href: "/consumable-resources", label: "Consumable resources", available: true },
  { href: "/settings", label: "Settings", available: true },
];

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await pageContext();
  const [organizations, operator] = await Promise.all([
    listMyOrganizations(ctx.db, ctx.user.id),
    isOperator(ctx.db, ctx.user.id),
  ]);
  // The install's operator has one more page: every organization's quotas and usage.
  const nav = operator ? [...NAV, { href: "/operator", label: "Operator", available: true }] : NAV;
  return (
    <div className="min-h-screen md:flex">
      <aside className="relative border-b border-slate-200 bg-white p-4 md:sticky md:top-0 md:h-screen md:w-60 md:shrink-0 md:border-r md:border-b-0">
        <div className="text-lg font-semibold md:mb-4 tracking-tight text-indigo-700">Batchdeck</div>
        <MobileMenu>
          <div className="mb-4">
            <OrgSwitcher current={ctx.organizationId} organizations={organizations} />
          </div>
          <Nav items={nav} />
          <div className="mt-6 border-t border-slate-200 pt-4 text-sm">
            <div className="truncate font-medium text-slate-800" title={ctx.user.email}>
              {ctx.user.email}
            </div>
            <div className="text-slate-500">{ROLE_LABELS[ctx.role]}</div>
            <form action={signOutAction} className="mt-2">
              <button type="submit" className="text-sm font-medium text-indigo-700 hover:underline">
                Sign out
              </button>
            </form>
          </div>
        </MobileMenu>
      </aside>
      <main className="min-w-0 flex-1 p-4 md:p-8">{children}</main>
    </div>
  );
}
