import type { ReactNode } from "react";
import { PageHeader } from "@/components/ui/card";
import { SettingsTabs } from "@/components/settings/tabs";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs />
      <div className="mt-6">{children}</div>
    </>
  );
}
