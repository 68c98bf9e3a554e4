"use client";

import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useState } from "react";

/** On small screens the navigation folds behind a Menu button; from md up it is always shown. */
export function MobileMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu whenever the route changes
  useEffect(() => setOpen(false), [pathname]);
  return (
    <>
      <button
        type="button"
        className="absolute top-4 right-4 rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 md:hidden"
        aria-expanded={open}
        aria-controls="console-menu"
        onClick={() => setOpen((v) => !v)}
      >
        {open ? "Close" : "Menu"}
      </button>
      <div id="console-menu" className={open ? "mt-4 block md:mt-0" : "hidden md:block"}>
        {children}
      </div>
    </>
  );
}
