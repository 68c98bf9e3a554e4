import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentSession } from "@/lib/auth/request";
import { env } from "@/lib/env";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentSession()) redirect("/");
  const { next } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="mb-1 text-xl font-semibold">Sign in to Batchdeck</h1>
        <p className="mb-6 text-sm text-slate-600">Batch jobs, queues and logs in one console.</p>
        <LoginForm next={typeof next === "string" ? next : "/"} />
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
