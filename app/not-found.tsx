import type { Metadata } from "next";
import { NotFoundMessage } from "@/components/ui/not-found-message";
import { currentSession } from "@/lib/auth/request";

export const metadata: Metadata = { title: "Page not found" };

/** Any address no page answers: a 404 in the console's style with a way back. */
export default async function NotFound() {
  const session = await currentSession();
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <NotFoundMessage signedIn={Boolean(session?.membership)} />
    </main>
  );
}
