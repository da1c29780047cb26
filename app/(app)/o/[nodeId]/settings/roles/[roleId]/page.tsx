import type { Metadata } from "next";
import Link from "next/link";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { notFound } from "next/navigation";
import { PermissionMatrix } from "@/components/roles/permission-matrix";
import { DeleteRoleButton } from "@/components/roles/delete-role-button";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { canChangeRole } from "@/lib/authz/rules";
import { pageCrumb } from "@/lib/context/pages";
import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";
import { requirePage } from "@/lib/context/server";
import { decodeRoleId, getRole, permissionLabel } from "@/lib/roles/custom";

export const metadata: Metadata = { title: "Role" };

export default async function RolePage({ params }: { params: Promise<{ nodeId: string; roleId: string }> }) {
  const { nodeId, roleId } = await params;
  const { subject, node } = await requirePage(nodeId, "settings.roles");
  const role = await getRole(await prisma(), node.id, decodeRoleId(roleId));
  if (!role) notFound();
  const base = `/o/${node.id}/settings/roles`;
  // A custom role is changed only by someone who manages roles where it was defined (or above).
  const canEdit = Boolean(role.definedAt) && can(subject, "roles.edit", node.id) && canChangeRole(subject, role.definedAt!, "roles.edit").ok;
  const canDelete = Boolean(role.definedAt) && can(subject, "roles.delete", node.id) && canChangeRole(subject, role.definedAt!, "roles.delete").ok;
  const showPeople = can(subject, "members.read_contact", node.id);
  const diff = role.parentId
    ? { added: role.grants.filter((g) => !role.parentGrants.some((p) => p.permission === g.permission)), removed: role.stored.removals.filter((p) => !role.grants.some((g) => g.permission === p)) }
    : null;

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[pageCrumb(node, "settings.roles")]} current={role.name} />

      <section className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="role-name">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0">
            <h2 id="role-name" className="text-xl font-semibold" data-testid="role-name">
              {role.name}
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              {role.builtin ? "Built-in role · read-only. Create a custom role to change it." : role.chain.length ? <>Custom role · inherits from {role.chain.map((c) => c.name).join(" › ")}</> : "Custom role"}
            </p>
            {role.definedAt && (
              <p className="mt-1 text-sm text-slate-600" data-testid="role-defined-at">
                Defined at {role.definedAt.nodeName}
                {!canEdit && can(subject, "roles.edit", node.id) && " · only people who manage roles there can change it"}
              </p>
            )}
            {role.description && <p className="mt-2 max-w-2xl text-sm text-slate-700">{role.description}</p>}
            {role.children.length > 0 && <p className="mt-2 text-sm text-slate-600">Roles inheriting from it: {role.children.map((c) => c.name).join(", ")}</p>}
          </div>
          <div className="flex flex-wrap gap-2">
            {canEdit && (
              <Link href={`${base}/${encodeURIComponent(role.id)}/edit`} className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700" data-testid="edit-role">
                Edit role
              </Link>
            )}
            {canDelete && <DeleteRoleButton placeId={node.id} roleId={role.id} roleName={role.name} blockedBy={{ people: role.affected.people, children: role.children.map((c) => c.name) }} />}
          </div>
        </div>
        {diff && (diff.added.length > 0 || diff.removed.length > 0) && (
          <div className="mt-4 grid gap-3 text-sm sm:grid-cols-2" data-testid="role-diff">
            <div>
              <p className="font-medium text-emerald-800">Adds to {role.chain[0]?.name}</p>
              <p className="text-slate-700">{diff.added.map((g) => permissionLabel(g.permission)).join(", ") || "nothing"}</p>
            </div>
            <div>
              <p className="font-medium text-red-800">Removes from {role.chain[0]?.name}</p>
              <p className="text-slate-700">{diff.removed.map(permissionLabel).join(", ") || "nothing"}</p>
            </div>
          </div>
        )}
      </section>

      <section aria-labelledby="permissions-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h3 id="permissions-heading" className="text-lg font-semibold">
            Permissions
          </h3>
          <p className="text-xs text-slate-600">All = everywhere the role is given and below · This place only · Assigned = own or shared records · Own = records they own</p>
        </div>
        <PermissionMatrix family={role.family === "platform" ? "clinic" : role.family} grants={role.grants} parentGrants={role.parentId ? role.parentGrants : undefined} caption={`What ${role.name} allows, feature by feature`} />
      </section>

      <section aria-labelledby="holders-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h3 id="holders-heading" className="text-lg font-semibold">
          Who holds it {node.kind === "CARE_PROFILE" ? "here" : `in ${node.name}`}
        </h3>
        {role.holders.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600" data-testid="holders-empty">
            Nobody here holds this role.
          </p>
        ) : !showPeople ? (
          <p className="mt-2 text-sm text-slate-600">{role.holders.length} role assignments here.</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100" data-testid="role-holders-list">
            {role.holders.map((h) => (
              <li key={h.bindingId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span className="min-w-0">
                  <span className="font-medium">{h.name}</span> <span className="text-slate-600">{h.email}</span>
                </span>
                <span className="text-slate-700">
                  {h.nodeName} <span className="text-xs text-slate-500">({NODE_KIND_LABEL[h.nodeKind]})</span>
                  {h.expiresAt && <span className="ml-2 text-xs text-amber-800">until {new Date(h.expiresAt).toLocaleDateString("en-US", { dateStyle: "medium" })}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
        {!role.builtin && (
          <p className="mt-3 text-xs text-slate-600" data-testid="affected-count">
            Across the organisation, {role.affected.people} {role.affected.people === 1 ? "person holds" : "people hold"} this role or a role inheriting from it.
          </p>
        )}
      </section>
    </div>
  );
}
