import type { Metadata } from "next";
import { SupportAccess } from "@/components/access/support-access";
import { prisma } from "@/lib/db";
import { requirePage } from "@/lib/context/server";
import { listSupportAccess } from "@/lib/access/support";

export const metadata: Metadata = { title: "Support access" };

/** Settings > Support access (issue 11): an owner gives CareAccess support time-boxed access to the organisation, sees it and ends it. */
export default async function SupportAccessPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node, user } = await requirePage((await params).nodeId, "settings.support");
  const db = await prisma();
  const { grants, staff } = await listSupportAccess(db, { subject, userId: user.id }, node.tenantId);
  return <SupportAccess tenantId={node.tenantId} grants={grants} staff={staff} />;
}
