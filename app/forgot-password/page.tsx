import type { Metadata } from "next";
import { AuthShell } from "@/components/account/shell";
import { ForgotPasswordForm } from "@/components/account/forms";

export const metadata: Metadata = { title: "Reset your password" };
export const dynamic = "force-dynamic";

export default function ForgotPasswordPage() {
  return (
    <AuthShell title="Reset your password" subtitle="Enter the email address you sign in with. We'll email you a link to choose a new password.">
      <ForgotPasswordForm />
    </AuthShell>
  );
}
