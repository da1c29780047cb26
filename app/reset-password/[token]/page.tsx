import type { Metadata } from "next";
import { AuthShell, LinkProblem } from "@/components/account/shell";
import { SetPasswordForm } from "@/components/account/forms";
import { prisma } from "@/lib/db";
import { describePolicy } from "@/lib/security/password-policy";
import { userPolicy } from "@/lib/security/settings";
import { TOKEN_MESSAGES, checkToken } from "@/lib/security/tokens";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const db = await prisma();
  const check = await checkToken(db, ["RESET"], token);
  if (!check.ok)
    return (
      <AuthShell title="This link can't be used">
        <LinkProblem message={TOKEN_MESSAGES.RESET[check.reason]} action={{ href: "/forgot-password", label: "Request a new link" }} />
      </AuthShell>
    );
  const user = await db.user.findUniqueOrThrow({ where: { id: check.row.userId }, select: { email: true } });
  const policy = await userPolicy(db, check.row.userId);
  return (
    <AuthShell title="Choose a new password" subtitle={<>For <strong className="text-slate-900">{user.email}</strong>. Every device signed in to your account will be signed out.</>}>
      <SetPasswordForm endpoint="/api/public/password-reset/complete" token={token} hint={describePolicy(policy.password)} submitLabel="Save new password" done="/login?reset=1" />
    </AuthShell>
  );
}
