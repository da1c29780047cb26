import type { Metadata } from "next";
import { AuthShell, LinkProblem } from "@/components/account/shell";
import { SetPasswordForm } from "@/components/account/forms";
import { prisma } from "@/lib/db";
import { LinkAnswer } from "@/components/invitations/invitation-answer";
import { viewInvitation } from "@/lib/invitations/invitations";

export const metadata: Metadata = { title: "Activate your account", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await viewInvitation(await prisma(), token);
  if (!view.ok)
    return (
      <AuthShell title="This link can't be used">
        <LinkProblem message={view.message} action={{ href: "/login", label: "Go to sign in" }} />
      </AuthShell>
    );
  if (!view.needsPassword)
    return (
      <AuthShell
        title="You're invited"
        subtitle={
          <>
            Join {view.places.join(", ") || "this organization"} with your account <strong className="text-slate-900">{view.email}</strong>. Nothing changes until you accept.
          </>
        }
      >
        <LinkAnswer token={token} />
      </AuthShell>
    );
  return (
    <AuthShell
      title={view.kind === "INVITE" ? "Welcome to CareAccess" : "Activate your account"}
      subtitle={
        <>
          Set a password for <strong className="text-slate-900">{view.email}</strong>
          {view.places.length > 0 && <> to join {view.places.join(", ")}</>}.
        </>
      }
    >
      <SetPasswordForm endpoint="/api/public/invitations/accept" token={token} hint={view.policyHint} askName defaultName={view.name} submitLabel="Activate my account" done="/login?activated=1" />
    </AuthShell>
  );
}
