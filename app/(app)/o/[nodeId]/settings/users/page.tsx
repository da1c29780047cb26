import type { Metadata } from "next";
import { Suspense } from "react";
import { UsersPanel } from "@/components/users/users-panel";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { placesUnder } from "@/lib/context/places";
import { requirePage } from "@/lib/context/server";
import { assignableRoles } from "@/lib/members/admin";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.users");
  const db = await prisma();
  const roles = await db.$transaction((tx) => assignableRoles(tx, node.tenantId));
  return (
    <Suspense>
      <UsersPanel
        nodeId={node.id}
        label={node.kind === "CARE_PROFILE" ? "Care team" : "Users"}
        places={placesUnder(subject, node.id)}
        roles={roles.map((r) => ({ id: r.id, name: r.name, custom: r.tenantId !== null }))}
        can={{ create: can(subject, "members.create", node.id), disable: can(subject, "members.delete", node.id) }}
      />
    </Suspense>
  );
}
