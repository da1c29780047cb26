import type { Metadata } from "next";
import { EmergencyAccess } from "@/components/access/emergency-access";
import { isOwnerAt } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { requirePage } from "@/lib/context/server";
import { placesUnder } from "@/lib/context/places";
import { listEmergencies, mayDeclare } from "@/lib/access/emergency";
import { accessPolicy } from "@/lib/access/settings";
import { assignableRoles } from "@/lib/members/admin";

export const metadata: Metadata = { title: "Emergency access" };

/** Settings > Emergency access (issue 11): declare break-glass access; review it; the tenant's policy. */
export default async function EmergencyAccessPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.emergency");
  const db = await prisma();
  const isOwner = isOwnerAt(subject, node.tenantId);
  const [policy, lists, roles] = await Promise.all([
    accessPolicy(db, node.tenantId),
    listEmergencies(db, subject, node.tenantId),
    isOwner ? db.$transaction((tx) => assignableRoles(tx, node.tenantId)) : Promise.resolve([]),
  ]);
  const canDeclare = mayDeclare(subject, node.tenantId, policy);
  return (
    <EmergencyAccess
      tenantId={node.tenantId}
      policy={policy}
      canDeclare={canDeclare}
      isOwner={isOwner}
      // Any clinic place of the organisation: break-glass is for a place the person can't see.
      places={placesUnder(subject, node.tenantId).filter((p) => p.kind !== "CARE_PROFILE")}
      roles={roles.map((r) => ({ id: r.id, name: r.name, custom: r.tenantId !== null }))}
      mine={lists.mine}
      pending={lists.pending}
      reviewed={lists.reviewed}
    />
  );
}
