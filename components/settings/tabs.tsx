"use client";

import clsx from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/settings/members", label: "Members" },
  { href: "/settings/access-keys", label: "Access keys" },
  { href: "/settings/secrets", label: "Secrets" },
  { href: "/settings/backend", label: "Backend" },
  { href: "/settings/retention", label: "Retention" },
  { href: "/settings/sso", label: "Single sign-on" },
  { href: "/settings/quotas", label: "Quotas" },
  { href: "/settings/audit", label: "Audit log" },
];

export function SettingsTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="flex gap-1 overflow-x-auto border-b border-slate-200">
      {TABS.map((t) => {
        const active = pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={clsx(
              "-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm",
              active
                ? "border-indigo-600 font-medium text-indigo-800"
                : "border-transparent text-slate-600 hover:text-slate-900",
            )}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
