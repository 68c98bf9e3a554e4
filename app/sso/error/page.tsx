import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { db } from "@/lib/db";
import { isSsoProblem, ssoProblemText } from "@/lib/sso/problems";

export const metadata: Metadata = { title: "Single sign-on" };

/** Why single sign-on did not complete; the words come from lib/sso/problems.ts, never the URL. */
export default async function SsoErrorPage({
  searchParams,
}: {
  searchParams: Promise<{ reason?: string; org?: string }>;
}) {
  const { reason, org } = await searchParams;
  const problem = isSsoProblem(reason) ? reason : "providerUnavailable";
  // Only an organization that has single sign-on is named (its short name is what people type).
  const organization =
    typeof org === "string" && org.length <= 100
      ? await db().organization.findFirst({
          where: { slug: org, ssoProvider: { isNot: null } },
          select: { name: true },
        })
      : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="mb-4 text-xl font-semibold">Single sign-on did not complete</h1>
        <Alert>{ssoProblemText(problem, organization?.name)}</Alert>
        <p className="mt-4 text-center text-sm">
          <Link className="font-medium text-indigo-700 hover:underline" href="/login">
            Back to sign in
          </Link>
        </p>
      </div>
    </main>
  );
}
