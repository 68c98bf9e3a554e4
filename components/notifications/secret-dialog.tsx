"use client";

import { type ReactNode, useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";

/**
 * A modal on the native <dialog> for a secret shown once: open while mounted, closed by "Done"
 * or Escape, after which the caller forgets the secret.
 */
export function SecretDialog({
  title,
  children,
  onClose,
}: {
  title: string;
  children: ReactNode;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby="secret-dialog-title"
      onClose={onClose}
      className="m-auto w-[min(48rem,calc(100vw-2rem))] rounded-lg bg-white p-0 text-left shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-5">
        <h2 id="secret-dialog-title" className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {children}
        <div className="flex justify-end">
          <Button onClick={() => ref.current?.close()}>Done</Button>
        </div>
      </div>
    </dialog>
  );
}
