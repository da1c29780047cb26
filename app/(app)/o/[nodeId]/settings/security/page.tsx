import type { Metadata } from "next";
import { SecuritySettingsForm } from "@/components/account/security-settings-form";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { requestMeta } from "@/lib/security/http";
import { getSecuritySettings } from "@/lib/security/settings";

export const metadata: Metadata = { title: "Security settings" };
export const dynamic = "force-dynamic";

/** Security settings are the tenant's: read and changed with the permission at the tenant root. */
export default async function PlaceSecurityPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.security");
  const db = await prisma();
  const [settings, roles, { ip }] = await Promise.all([
    getSecuritySettings(db, node.tenantId),
    db.role.findMany({ where: { OR: [{ tenantId: null }, { tenantId: node.tenantId }] }, select: { id: true, name: true, family: true }, orderBy: { name: "asc" } }),
    requestMeta(),
  ]);
  const family = node.kind === "CARE_PROFILE" ? "care" : "clinic";
  return (
    <div className="space-y-4">
      <h2 className="text-lg font-semibold">Security settings</h2>
      <p className="text-sm text-slate-600">
        These settings apply to everyone in <span className="font-medium text-slate-900">{node.tenantName}</span>: passwords, two-factor authentication, sessions, lockout and allowed networks.
      </p>
      <SecuritySettingsForm
        key={node.tenantId}
        tenantId={node.tenantId}
        initial={settings}
        roles={roles.filter((r) => r.family === family || r.family === "platform").map((r) => ({ id: r.id, name: r.name }))}
        canEdit={can(subject, "settings.edit", node.tenantId)}
        myIp={ip}
      />
    </div>
  );
}
