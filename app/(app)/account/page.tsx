import type { Metadata } from "next";
import { Section } from "@/components/account/shell";
import { ChangePasswordForm, DevicesList, TwoFactorSettings } from "@/components/account/forms";
import { requireSignedIn } from "@/lib/auth/session";
import { prisma } from "@/lib/db";
import { describePolicy } from "@/lib/security/password-policy";
import { userPolicy } from "@/lib/security/settings";
import { recoveryCodesLeft } from "@/lib/security/two-factor";
import { listSessions } from "@/lib/sessions/sessions";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const { user, session } = await requireSignedIn();
  const db = await prisma();
  const [policy, row, sessions, left] = await Promise.all([
    userPolicy(db, user.id),
    db.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpEnabledAt: true, passwordChangedAt: true } }),
    listSessions(db, user.id),
    recoveryCodesLeft(db, user.id),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Your account</h1>
        <p className="mt-1 text-slate-600">
          {user.name} · {user.email}
        </p>
      </div>
      <Section id="password" title="Password" description={row.passwordChangedAt ? `Last changed ${row.passwordChangedAt.toLocaleDateString("en-US", { dateStyle: "medium" })}.` : undefined}>
        <ChangePasswordForm hint={describePolicy(policy.password)} />
      </Section>
      <Section id="two-factor" title="Two-factor authentication" description="A code from your phone as well as your password when you sign in.">
        <TwoFactorSettings enabled={!!row.totpEnabledAt} required={policy.twoFactorRequired} recoveryLeft={left} />
      </Section>
      <Section id="devices" title="Your devices" description="Where you're signed in now. Sign out any device you don't recognise.">
        <DevicesList
          sessions={sessions.map((s) => ({ id: s.id.slice(0, 12), device: s.device, ip: s.ip, lastSeenAt: s.lastSeenAt.toISOString(), createdAt: s.createdAt.toISOString(), current: s.id === session.id }))}
        />
      </Section>
    </div>
  );
}
