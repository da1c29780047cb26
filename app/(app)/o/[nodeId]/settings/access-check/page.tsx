import type { Metadata } from "next";
import { AccessCheck } from "@/components/access/access-check";
import { prisma } from "@/lib/db";
import { placesUnder } from "@/lib/context/places";
import { requirePage } from "@/lib/context/server";
import { accessCheckChoices } from "@/lib/members/access-check";

export const metadata: Metadata = { title: "Why can't they see it?" };

export default async function AccessCheckPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.access-check");
  const { people, patients, permissions } = await accessCheckChoices(await prisma(), subject, node);
  return (
    <AccessCheck
      nodeId={node.id}
      people={people}
      patients={patients}
      places={placesUnder(subject, node.id)}
      permissions={permissions}
    />
  );
}
