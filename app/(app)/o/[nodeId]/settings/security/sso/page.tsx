import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SecurityTabs } from "@/components/identity/security-tabs";
import { SsoSettings } from "@/components/identity/sso-settings";
import { can } from "@/lib/context/enterable";
import { placesUnder } from "@/lib/context/places";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { identitySettingsView } from "@/lib/identity/view";

export const metadata: Metadata = { title: "Single sign-on" };
export const dynamic = "force-dynamic";

/** Settings > Security > Single sign-on: the tenant's domains, IdPs, group mappings, SCIM and directories. */
export default async function SingleSignOnPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.security");
  // Enterprise identity is for clinics and enterprises; a family's care profile has none.
  if (node.kind === "CARE_PROFILE") notFound();
  const view = await identitySettingsView(await prisma(), node.tenantId);
  return (
    <div className="space-y-4">
      <SecurityTabs nodeId={node.id} current="sso" showSso />
      <h2 className="text-lg font-semibold">Single sign-on</h2>
      <p className="text-sm text-slate-600">
        How people of <span className="font-medium text-slate-900">{node.tenantName}</span> sign in through your identity provider, and how accounts are provisioned (just in time, SCIM or your directory).
      </p>
      <SsoSettings key={node.tenantId} tenantId={node.tenantId} view={view} places={placesUnder(subject, node.tenantId)} canEdit={can(subject, "settings.edit", node.tenantId)} />
    </div>
  );
}
