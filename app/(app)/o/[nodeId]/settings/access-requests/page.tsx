import type { Metadata } from "next";
import { AccessRequests } from "@/components/access/access-requests";
import { OWNER_ROLE_IDS } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { requirePage } from "@/lib/context/server";
import { placesUnder } from "@/lib/context/places";
import { listAccessRequests } from "@/lib/access/requests";
import { assignableRoles } from "@/lib/members/admin";

export const metadata: Metadata = { title: "Access requests" };

/** Settings > Access requests (issue 11): ask for a role for a period; answer what waits for you. */
export default async function AccessRequestsPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node, user } = await requirePage((await params).nodeId, "settings.access-requests");
  const db = await prisma();
  const [lists, roles] = await db.$transaction(async (tx) => [await listAccessRequests(tx, subject, user.id, node.id), await assignableRoles(tx, node.tenantId)] as const);
  return (
    <AccessRequests
      nodeId={node.id}
      // Any place of the organisation: a request is usually for a place the person can't see yet.
      places={placesUnder(subject, node.tenantId)}
      roles={roles.filter((r) => !OWNER_ROLE_IDS.has(r.id)).map((r) => ({ id: r.id, name: r.name, custom: r.tenantId !== null }))}
      mine={lists.mine}
      toAnswer={lists.toAnswer}
    />
  );
}
