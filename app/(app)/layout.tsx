import Link from "next/link";
import { Logo } from "@/components/logo";
import { SignOutButton } from "@/components/sign-out-button";
import { ProfileSwitcher } from "@/components/shell/profile-switcher";
import { requireSubject } from "@/lib/auth/session";
import { can, enterableNodes, enterpriseEntries } from "@/lib/context/enterable";
import { openAlertCount } from "@/lib/audit/alerts";
import { prisma } from "@/lib/db";
import { EmergencyBanner } from "@/components/access/emergency-banner";
import { activeEmergencies } from "@/lib/access/emergency";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const { user, subject } = await requireSubject();
  const nodes = enterableNodes(subject);
  // Issue 9: open audit alerts of the tenants whose whole log the person reads (owners, admins).
  const alertTenants = subject.trees.map((t) => t.rootId).filter((root) => can(subject, "audit_log.read", root));
  const openAlerts = await openAlertCount(await prisma(), alertTenants);
  // Issue 11: the person's break-glass access in force now, on every page while it lasts.
  const emergencies = await activeEmergencies(await prisma(), subject);
  const initials = user.name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join("").toUpperCase();
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
          <div className="flex min-w-0 items-center gap-4">
            <Link href="/" className="text-lg text-slate-900">
              <Logo />
            </Link>
            {nodes.length > 0 && <ProfileSwitcher nodes={nodes} enterprise={enterpriseEntries(subject)} />}
          </div>
          <div className="flex items-center gap-3">
            {openAlerts > 0 && (
              <Link href={`/o/${alertTenants[0]}/settings/activity/alerts`} className="rounded-full bg-amber-100 px-2.5 py-1 text-xs font-semibold text-amber-900 hover:bg-amber-200" data-testid="alert-badge">
                {openAlerts} open alert{openAlerts === 1 ? "" : "s"}
              </Link>
            )}
            <Link href="/account" className="flex items-center gap-2 rounded-md text-right hover:bg-slate-50" data-testid="signed-in-user" title="Your account: password, two-factor, devices">
              <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-800">
                {initials}
              </span>
              <span className="hidden flex-col leading-tight sm:flex">
                <span className="text-sm font-medium">{user.name}</span>
                <span className="text-xs text-slate-600">{user.email}</span>
              </span>
            </Link>
            <SignOutButton />
          </div>
        </div>
      </header>
      {emergencies.length > 0 && (
        <EmergencyBanner
          items={emergencies.map((e) => ({ id: e.id, what: e.patient ? `${e.patient.name} at ${e.nodeName}` : e.nodeName, endsAt: e.endsAt, href: e.patient ? `/o/${e.nodeId}/patients/${e.patient.id}` : `/o/${e.nodeId}/patients` }))}
        />
      )}
      <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
        {children}
      </main>
    </>
  );
}
