import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { currentSession } from "@/lib/auth/request";
import { env } from "@/lib/env";
import { installProvider } from "@/lib/sso/providers";
import { LoginForm } from "./login-form";
import { SsoSignIn } from "./sso-sign-in";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  // A session that can act in no organization (each requires its own single sign-on) stays
  // here rather than going round between "/" and this page.
  const session = await currentSession();
  if (session?.membership) redirect("/");
  const { next } = await searchParams;
  const nextPath = typeof next === "string" ? next : "/";
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="mb-1 text-xl font-semibold">Sign in to Batchdeck</h1>
        <p className="mb-6 text-sm text-slate-600">Batch jobs, queues and logs in one console.</p>
        {session ? (
          <div className="mb-4">
            <Alert tone="info">
              You are signed in as {session.user.email}, but that sign-in opens none of your organizations. One that
              requires single sign-on needs "Sign in with SSO".
            </Alert>
          </div>
        ) : null}
        <LoginForm next={nextPath} />
        <SsoSignIn next={nextPath} installLabel={installProvider() ? env().BATCHDECK_OIDC_LABEL : null} />
        {env().BATCHDECK_SIGNUP ? (
          <p className="mt-4 text-center text-sm text-slate-600">
            New here?{" "}
            <Link className="font-medium text-indigo-700 hover:underline" href="/signup">
              Create an organization
            </Link>
          </p>
        ) : null}
      </div>
    </main>
  );
}
