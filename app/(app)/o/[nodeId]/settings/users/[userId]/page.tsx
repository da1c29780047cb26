import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { MemberDetail } from "@/components/users/member-detail";
import { ROLE_TEMPLATES, builtinRoleId, canActOnMember, isOwnerAt, type MemberReach } from "@/lib/authz";
import { loadMemberTarget, memberFacts } from "@/lib/members/accounts";
import { prisma } from "@/lib/db";
import { can } from "@/lib/context/enterable";
import { placesUnder } from "@/lib/context/places";
import { requirePage } from "@/lib/context/server";
import { assignableRoles } from "@/lib/members/admin";
import { findMember } from "@/lib/members/directory";
import { ContractorForm } from "@/components/access/contractor-form";
import { contractorOf } from "@/lib/access/contractors";

export const metadata: Metadata = { title: "Person" };

const PROVIDER_ROLE = builtinRoleId("provider");

export default async function MemberPage({ params }: { params: Promise<{ nodeId: string; userId: string }> }) {
  const { nodeId, userId } = await params;
  const { subject, node, user } = await requirePage(nodeId, "settings.users");
  const db = await prisma();
  const [member, target, roles] = await Promise.all([
    findMember(db, node.id, userId),
    loadMemberTarget(db, node.id, userId, { rootId: node.tenantId }),
    db.$transaction((tx) => assignableRoles(tx, node.tenantId)),
  ]);
  if (!member || !target) notFound();
  // Contractor end dates are for the whole organisation: members.manage_roles at its root (issue 11).
  const contractor = can(subject, "members.manage_roles", node.tenantId) && node.kind !== "CARE_PROFILE" && member.id !== user.id && canActOnMember(subject, node.tenantId, memberFacts(target), "roles").ok ? await contractorOf(db, node.tenantId, member.id) : undefined;
  const places = placesUnder(subject, node.id);
  const here = new Set(places.map((p) => p.id));
  const isProviderRole = (roleId: string) => roleId === PROVIDER_ROLE || roles.find((r) => r.id === roleId)?.parentId === PROVIDER_ROLE;
  const showProvider = node.kind !== "CARE_PROFILE" && member.bindings.some((b) => isProviderRole(b.roleId));
  const self = member.id === user.id;
  // The same target and rules the wrapper applies, so the page offers only what the server would allow.
  const allowed = (reach: MemberReach) => canActOnMember(subject, node.id, memberFacts(target), reach).ok;
  return (
    <div className="space-y-4">
      <Link href={`/o/${node.id}/settings/users`} className="text-sm font-medium text-brand-700 hover:underline">
        ← All {node.kind === "CARE_PROFILE" ? "team members" : "users"}
      </Link>
      {can(subject, "audit_log.read", node.id) && (
        <Link href={`/o/${node.id}/settings/activity/people/${member.id}`} className="ml-4 text-sm font-medium text-brand-700 hover:underline">
          History in the activity log
        </Link>
      )}
      <MemberDetail
        nodeId={node.id}
        member={{
          id: member.id,
          name: member.name,
          email: member.email,
          phone: member.phone,
          status: member.memberStatus,
          managed: target.managedHere || subject.isPlatformStaff,
          locked: Boolean(member.lockedUntil && member.lockedUntil > new Date()),
          // When they joined this organization, not when their account was made (that's the person's).
          createdAt: new Date(Math.min(...member.bindings.map((b) => b.createdAt.getTime()))).toISOString(),
          roles: member.bindings.filter((b) => here.has(b.nodeId)).map((b) => ({ nodeId: b.nodeId, roleId: b.roleId, startsAt: b.startsAt?.toISOString() ?? null, expiresAt: b.expiresAt?.toISOString() ?? null })),
          provider: member.providerProfile
            ? { ...member.providerProfile, hasPhoto: Boolean(member.providerProfile.photoType) }
            : { credentials: "", specialties: [], licenseNumber: null, bio: "", photoType: null, hasPhoto: false },
        }}
        places={places}
        roles={roles.map((r) => ({ id: r.id, name: r.name, custom: r.tenantId !== null }))}
        showProvider={showProvider}
        can={{
          edit: can(subject, "members.edit", node.id),
          account: can(subject, "members.edit", node.id) && allowed("account"),
          manageRoles: can(subject, "members.manage_roles", node.id) && !self,
          disable: can(subject, "members.delete", node.id) && allowed("membership"),
          remove: can(subject, "members.delete", node.id) && allowed("membership"),
          owner: isOwnerAt(subject, node.id),
        }}
        ownerRoleIds={ROLE_TEMPLATES.filter((t) => t.key === "owner" || t.key === "care_owner").map((t) => builtinRoleId(t.key))}
      />
      {contractor !== undefined && <ContractorForm tenantId={node.tenantId} userId={member.id} name={member.name} endsAt={contractor?.endsAt ?? null} />}
    </div>
  );
}
