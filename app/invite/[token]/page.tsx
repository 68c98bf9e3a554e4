import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db";
import { findInvitation } from "@/lib/members/invitations";
import { AcceptInvitationForm } from "./accept-form";

export const metadata: Metadata = { title: "Join an organization" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findInvitation(db(), token);
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        {invitation ? (
          <>
            <h1 className="mb-1 text-xl font-semibold">Join {invitation.organization.name}</h1>
            <p className="mb-6 text-sm text-slate-600">You were invited as {invitation.role}.</p>
            <AcceptInvitationForm token={token} email={invitation.email} />
          </>
        ) : (
          <>
            <h1 className="mb-2 text-xl font-semibold">Invitation not valid</h1>
            <p className="text-sm text-slate-600">
              This invitation has expired, was revoked or was already used. Ask an admin for a new one, or{" "}
              <Link href="/login" className="font-medium text-indigo-700 hover:underline">
                sign in
              </Link>
              .
            </p>
          </>
        )}
      </div>
    </main>
  );
}
