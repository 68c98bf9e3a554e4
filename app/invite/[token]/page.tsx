import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { signOutAction } from "@/app/(console)/actions";
import { Button } from "@/components/ui/button";
import { currentSession } from "@/lib/auth/request";
import { db } from "@/lib/db";
import { viewInvitation } from "@/lib/members/accept-invitation";
import { AcceptAsSignedInForm, NewAccountForm } from "./accept-form";

export const metadata: Metadata = { title: "Join an organization" };

const linkClass = "font-medium text-indigo-700 hover:underline";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const session = await currentSession();
  const view = await viewInvitation(db(), token, session?.user ?? null);
  if (view.kind === "invalid") {
    return (
      <Shell title="Invitation not valid">
        <p className="text-sm text-slate-600">
          This invitation has expired, was revoked or was already used. Ask an admin for a new one, or{" "}
          <Link href="/login" className={linkClass}>
            sign in
          </Link>
          .
        </p>
      </Shell>
    );
  }
  const { invitation } = view;
  if (view.kind === "otherAddress") {
    return (
      <Shell title="This invitation is for another address">
        <p className="mb-4 text-sm text-slate-600">
          It was sent to {invitation.email}, and you are signed in as {view.signedInAs}. Sign out, then open the link
          again and sign in as {invitation.email}.
        </p>
        <form action={signOutAction}>
          <Button type="submit" variant="secondary" className="w-full">
            Sign out
          </Button>
        </form>
      </Shell>
    );
  }
  return (
    <Shell title={`Join ${invitation.organization.name}`}>
      <p className="mb-6 text-sm text-slate-600">You were invited as {invitation.role}.</p>
      {view.kind === "newAccount" ? <NewAccountForm token={token} email={invitation.email} /> : null}
      {view.kind === "accept" ? <AcceptAsSignedInForm token={token} email={invitation.email} /> : null}
      {view.kind === "signIn" ? (
        <>
          <p className="mb-4 text-sm text-slate-600">
            {invitation.email} already has an account. Sign in as {invitation.email} to accept.
          </p>
          <Link
            href={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}
            className="block w-full rounded-md bg-indigo-600 px-3 py-1.5 text-center text-sm font-medium text-white hover:bg-indigo-700"
          >
            Sign in to accept
          </Link>
        </>
      ) : null}
    </Shell>
  );
}

function Shell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h1 className="mb-1 text-xl font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}
