import type { Metadata } from "next";
import { AuthShell } from "@/components/account/shell";
import { ChangePasswordForm } from "@/components/account/forms";
import { requireSignedIn } from "@/lib/auth/session";
import { prisma } from "@/lib/db";
import { describePolicy } from "@/lib/security/password-policy";
import { userPolicy } from "@/lib/security/settings";

export const metadata: Metadata = { title: "Change your password" };
export const dynamic = "force-dynamic";

/** Where people land when they must change their password (set by an admin, or expired). */
export default async function ChangePasswordPage() {
  const { user } = await requireSignedIn({ allowPasswordChange: true });
  const policy = await userPolicy(await prisma(), user.id);
  return (
    <AuthShell title="Change your password" subtitle={user.mustChangePassword ? "Before you continue, choose a new password that only you know." : "Choose a new password."}>
      <div className="mt-6">
        <ChangePasswordForm hint={describePolicy(policy.password)} after="/" />
      </div>
    </AuthShell>
  );
}
