import type { Metadata } from "next";
import { AuthShell } from "@/components/account/shell";
import { EnrolDuringSignIn, TwoFactorForm } from "@/components/account/forms";
import { safeNextPath } from "@/lib/security/next-path";

export const metadata: Metadata = { title: "Two-factor authentication" };
export const dynamic = "force-dynamic";

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const p = await searchParams;
  const challenge = p.c ?? "";
  if (p.enrol)
    return (
      <AuthShell title="Set up two-factor authentication" subtitle="Your organisation requires a second step when you sign in.">
        <EnrolDuringSignIn challenge={challenge} next={safeNextPath(p.next)} />
      </AuthShell>
    );
  return (
    <AuthShell title="Two-factor authentication" subtitle="Confirm it's you to finish signing in.">
      <TwoFactorForm challenge={challenge} next={safeNextPath(p.next)} />
    </AuthShell>
  );
}
