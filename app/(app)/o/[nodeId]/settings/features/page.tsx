import type { Metadata } from "next";
import { FeatureFlagsForm } from "@/components/flags/feature-flags-form";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { flagRoleChoices, listTenantFlags } from "@/lib/flags/flags";

export const metadata: Metadata = { title: "Features" };
export const dynamic = "force-dynamic";

/** The tenant's feature flags (issue 14), at its root: platform staff turn platform flags on; owners choose the roles. */
export default async function FeaturesPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.features");
  const db = await prisma();
  const [flags, roles] = await Promise.all([listTenantFlags(db, node.tenantId), flagRoleChoices(db, node.tenantId)]);
  return (
    <div className="space-y-4">
      <h2 className="text-lg font-semibold">Features</h2>
      <p className="text-sm text-slate-600">
        What <span className="font-medium text-slate-900">{node.tenantName}</span> has turned on, and which roles see each feature. Enterprise management and EM Sync are turned on by
        CareAccess staff.
      </p>
      <FeatureFlagsForm
        tenantId={node.tenantId}
        flags={flags.map((f) => ({ ...f, updatedAt: f.updatedAt?.toISOString() ?? null }))}
        roles={roles}
        canEdit={can(subject, "settings.edit", node.tenantId)}
        isPlatformStaff={subject.isPlatformStaff}
      />
    </div>
  );
}
