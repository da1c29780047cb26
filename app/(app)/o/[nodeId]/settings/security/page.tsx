import type { Metadata } from "next";
import { SecuritySettingsForm } from "@/components/account/security-settings-form";
import { SecurityTabs } from "@/components/identity/security-tabs";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { requestMeta } from "@/lib/security/http";
import { securitySettingsView } from "@/lib/security/settings-admin";

export const metadata: Metadata = { title: "Security settings" };
export const dynamic = "force-dynamic";

/** Security settings are the tenant's: read and changed with the permission at the tenant root. */
export default async function PlaceSecurityPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.security");
  const [{ settings, roles }, { ip }] = await Promise.all([
    securitySettingsView(await prisma(), { id: node.tenantId, family: node.kind === "CARE_PROFILE" ? "care" : "clinic" }),
    requestMeta(),
  ]);
  return (
    <div className="space-y-4">
      <SecurityTabs nodeId={node.id} current="policies" showSso={node.kind !== "CARE_PROFILE"} />
      <h2 className="text-lg font-semibold">Security settings</h2>
      <p className="text-sm text-slate-600">
        These settings apply to everyone in <span className="font-medium text-slate-900">{node.tenantName}</span>: passwords, two-factor authentication, sessions, lockout and allowed networks.
      </p>
      <SecuritySettingsForm
        key={node.tenantId}
        tenantId={node.tenantId}
        initial={settings}
        roles={roles}
        canEdit={can(subject, "settings.edit", node.tenantId)}
        myIp={ip}
      />
    </div>
  );
}
