import type { Metadata } from "next";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { redirect } from "next/navigation";
import { RoleEditor } from "@/components/roles/role-editor";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { pageCrumb } from "@/lib/context/pages";
import { requirePage } from "@/lib/context/server";
import { grantableScopes, parentChoices, placeTenant } from "@/lib/roles/custom";

export const metadata: Metadata = { title: "Create custom role" };

export default async function NewRolePage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.roles");
  if (!can(subject, "roles.create", node.id)) redirect(`/o/${node.id}/settings/roles`);
  const db = await prisma();
  const [{ family }, parents] = await Promise.all([placeTenant(db, node.id), parentChoices(db, node.id)]);
  return (
    <div className="space-y-6">
      <Breadcrumb trail={[pageCrumb(node, "settings.roles")]} current="New custom role" />
      <div>
        <h2 className="text-xl font-semibold">Create custom role</h2>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Start from a role, then add or take away permissions. The role can be given to anyone in {node.tenantName}; you can only include permissions you hold yourself in {node.name}.
        </p>
      </div>
      <RoleEditor
        placeId={node.id}
        family={family}
        parents={parents.filter((p) => p.depth < 6).map(({ id, name, builtin, grants }) => ({ id, name, builtin, grants }))}
        grantable={grantableScopes(subject, node.id)}
      />
    </div>
  );
}
