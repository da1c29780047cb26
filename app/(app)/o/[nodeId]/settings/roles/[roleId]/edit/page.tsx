import type { Metadata } from "next";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { notFound, redirect } from "next/navigation";
import { RoleEditor } from "@/components/roles/role-editor";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { canChangeRole } from "@/lib/authz/rules";
import { pageCrumb } from "@/lib/context/pages";
import { requirePage } from "@/lib/context/server";
import { decodeRoleId, descendantRoleIds, getRole, grantableScopes, parentChoices, tenantRoleRows } from "@/lib/roles/custom";

export const metadata: Metadata = { title: "Edit role" };

export default async function EditRolePage({ params }: { params: Promise<{ nodeId: string; roleId: string }> }) {
  const { nodeId, roleId } = await params;
  const { subject, node } = await requirePage(nodeId, "settings.roles");
  const db = await prisma();
  const role = await getRole(db, node.id, decodeRoleId(roleId));
  if (!role) notFound();
  const back = `/o/${node.id}/settings/roles/${encodeURIComponent(role.id)}`;
  if (!role.definedAt || !can(subject, "roles.edit", node.id) || !canChangeRole(subject, role.definedAt, "roles.edit").ok) redirect(back);
  const [parents, roles] = await Promise.all([parentChoices(db, node.id), tenantRoleRows(db, role.rootId)]);
  const excluded = new Set(descendantRoleIds(role.id, roles));
  return (
    <div className="space-y-6">
      <Breadcrumb trail={[pageCrumb(node, "settings.roles"), { href: back, label: role.name }]} current="Edit" />
      <h2 className="text-xl font-semibold">Edit {role.name}</h2>
      <RoleEditor
        placeId={node.id}
        family={role.family}
        parents={parents.filter((p) => !excluded.has(p.id) && p.depth < 6).map(({ id, name, builtin, grants }) => ({ id, name, builtin, grants }))}
        grantable={grantableScopes(subject, role.definedAt.nodeId)}
        initial={{ roleId: role.id, version: role.version, name: role.name, description: role.description, parentId: role.parentId ?? "", grants: role.grants, affectedPeople: role.affected.people, affectedNames: role.affected.names, affectedRoles: role.affected.roles }}
      />
    </div>
  );
}
