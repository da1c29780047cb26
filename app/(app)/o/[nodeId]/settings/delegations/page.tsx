import type { Metadata } from "next";
import { Delegations } from "@/components/access/delegations";
import { prisma } from "@/lib/db";
import { requirePage } from "@/lib/context/server";
import { delegatablePermissions, delegateCandidates, groupPermissions, listDelegations } from "@/lib/access/delegations";

export const metadata: Metadata = { title: "Delegations" };

/** Settings > Delegations (issue 11): lend part of your rights here to a colleague; what you gave and received. */
export default async function DelegationsPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node, user } = await requirePage((await params).nodeId, "settings.delegations");
  const db = await prisma();
  const actor = { subject, userId: user.id };
  const [lists, colleagues] = await Promise.all([listDelegations(db, actor, node.id), delegateCandidates(db, actor, node.id).catch(() => [])]);
  return <Delegations nodeId={node.id} placeName={node.name} groups={groupPermissions(delegatablePermissions(subject, node.id))} colleagues={colleagues} userId={user.id} {...lists} />;
}
