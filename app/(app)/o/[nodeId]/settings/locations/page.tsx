import type { Metadata } from "next";
import { LocationsManager } from "@/components/locations/locations-manager";
import { prisma } from "@/lib/db";
import { lookupTree } from "@/lib/authz";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { assignableRoles } from "@/lib/members/admin";
import { listMembers, memberListQuery } from "@/lib/members/directory";
import { locationTree } from "@/lib/orgs/manage";
import { CHILD_KINDS } from "@/lib/orgs/nodes";

export const metadata: Metadata = { title: "Locations" };

export default async function LocationsPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.locations");
  const db = await prisma();
  const showMembers = can(subject, "members.read", node.id);
  const canAssign = can(subject, "members.manage_roles", node.id);
  const [tree, members, roles] = await Promise.all([
    locationTree(db, node.id, { withMembers: showMembers }),
    canAssign ? listMembers(db, node.id, memberListQuery.parse({ pageSize: 100 }), undefined, { tree: lookupTree(subject, node.id) }) : null,
    canAssign ? assignableRoles(db, node.tenantId) : null,
  ]);
  const perms = Object.fromEntries(
    tree.nodes.map((n) => [n.id, { create: can(subject, "locations.create", n.id), edit: can(subject, "locations.edit", n.id), delete: can(subject, "locations.delete", n.id) }]),
  );
  return (
    <div className="space-y-6">
      <div>
        <h2 className="text-xl font-semibold">Locations</h2>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          {node.kind === "LOCATION" ? `${node.name}` : `Everything inside ${node.name}: ${node.kind === "ENTERPRISE" ? "regions, practices and locations" : node.kind === "REGION" ? "practices and locations" : "locations"}`}
          {showMembers ? (node.kind === "LOCATION" ? " and the people who work there." : ", with the people who have a role at each.") : "."}
        </p>
      </div>
      <LocationsManager
        placeId={node.id}
        nodes={tree.nodes}
        archived={tree.archived}
        childKinds={CHILD_KINDS}
        perms={perms}
        showMembers={showMembers}
        assign={
          members && roles
            ? {
                people: members.rows.filter((m) => m.status !== "DISABLED").map((m) => ({ id: m.id, name: m.name, email: m.email, roles: m.roles.map((r) => ({ nodeId: r.nodeId, roleId: r.roleId, startsAt: r.startsAt ?? null, expiresAt: r.expiresAt })) })),
                roles: roles.map((r) => ({ id: r.id, name: r.name, custom: r.tenantId !== null })),
              }
            : null
        }
      />
    </div>
  );
}
