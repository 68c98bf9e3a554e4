"use client";

import clsx from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
  /** Pages not built yet are listed, marked, and not linked. */
  available: boolean;
}

export function Nav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {items.map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        if (!item.available) {
          return (
            <span
              key={item.href}
              aria-disabled="true"
              title="Not available in this version yet"
              className="flex items-center justify-between rounded-md px-3 py-1.5 text-sm text-slate-400"
            >
              {item.label}
              <span className="text-[10px] uppercase tracking-wide">soon</span>
            </span>
          );
        }
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={clsx(
              "rounded-md px-3 py-1.5 text-sm",
              active ? "bg-indigo-50 font-medium text-indigo-800" : "text-slate-700 hover:bg-slate-100",
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
