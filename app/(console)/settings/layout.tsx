import type { ReactNode } from "react";
import { SettingsTabs } from "@/components/settings/tabs";
import { PageHeader } from "@/components/ui/card";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs />
      <div className="mt-6">{children}</div>
    </>
  );
}
