import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { env } from "@/lib/env";
import { SignUpForm } from "./signup-form";

export const metadata: Metadata = { title: "Create an organization" };

export default async function SignUpPage() {
  // Sign-up is a run-time setting, so this page is rendered per request, never at build time.
  await connection();
  if (!env().BATCHDECK_SIGNUP) notFound();
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="mb-6 text-xl font-semibold">Create an organization</h1>
        <SignUpForm />
      </div>
    </main>
  );
}
