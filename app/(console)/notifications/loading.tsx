import { PageLoading } from "@/components/resources/page-loading";

export default function Loading() {
  return <PageLoading what="notifications" />;
}
