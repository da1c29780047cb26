import type { Metadata } from "next";
import { AccessCheck } from "@/components/access/access-check";
import { CATALOGUE, PERMISSIONS, where } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { placesUnder } from "@/lib/context/places";
import { requirePage } from "@/lib/context/server";
import { listMembers } from "@/lib/members/directory";

export const metadata: Metadata = { title: "Why can't they see it?" };

export default async function AccessCheckPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.access-check");
  const db = await prisma();
  const [people, patients] = await Promise.all([
    listMembers(db, node.id, { q: "", page: 1, pageSize: 100 }),
    db.patient.findMany({
      where: { AND: [where(subject, "patients.read_contact", "patient"), { node: { ancestorLinks: { some: { ancestorId: node.id } } } }] },
      orderBy: [{ lastName: "asc" }, { id: "asc" }],
      take: 200,
      select: { id: true, firstName: true, lastName: true, node: { select: { name: true } } },
    }),
  ]);
  const family = node.kind === "CARE_PROFILE" ? "Care team" : null;
  const permissions = PERMISSIONS.filter((p) => {
    const group = CATALOGUE[p.split(".")[0] as keyof typeof CATALOGUE].group;
    return family ? !["Clinical", "Billing", "Inventory", "Calls"].includes(group) : group !== "Care team";
  }).map((p) => ({ id: p, group: CATALOGUE[p.split(".")[0] as keyof typeof CATALOGUE].group, label: `${CATALOGUE[p.split(".")[0] as keyof typeof CATALOGUE].label}: ${p.split(".")[1].replace(/_/g, " ")}` }));
  return (
    <AccessCheck
      nodeId={node.id}
      people={people.rows.map((p) => ({ id: p.id, name: p.name, email: p.email }))}
      patients={patients.map((p) => ({ id: p.id, label: `${p.lastName}, ${p.firstName} (${p.node.name})` }))}
      places={placesUnder(subject, node.id)}
      permissions={permissions}
    />
  );
}
