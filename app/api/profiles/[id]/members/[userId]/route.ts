import { route } from "@/lib/api/handler";
import { notFound } from "@/lib/api/errors";
import { removeMemberFromPlace, setMemberRoles } from "@/lib/members/admin";
import { findMember } from "@/lib/members/directory";
import { MemberParams, UpdateMemberBody } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

export const GET = route({
  access: { permission: "members.read", resource: (i) => ({ nodeId: i.id }) },
  input: MemberParams,
  handler: async ({ input, tx }) => {
    const member = await findMember(tx, input.id, input.userId);
    if (!member) throw notFound("That member");
    return { id: member.id, name: member.name, email: member.email, phone: member.phone, status: member.status, roles: member.bindings.map((b) => ({ nodeId: b.nodeId, nodeName: b.node.name, roleId: b.roleId, roleName: b.role.name, expiresAt: b.expiresAt })) };
  },
});

/** Sets the member's role at one or more nodes of the profile (null removes it there). */
export const PUT = route({
  access: { permission: "members.manage_roles", resource: (i) => ({ nodeId: i.id }) },
  input: UpdateMemberBody.extend(MemberParams.shape),
  handler: async ({ input, user, subject, tx, ip }) => {
    await setMemberRoles(tx, { subject: subject!, userId: user!.id, ip }, input.id, input.userId, input.assignments);
    return { ok: true };
  },
});

/** Removes the member from the profile (their account and records stay). */
export const DELETE = route({
  access: { permission: "members.delete", resource: (i) => ({ nodeId: i.id }) },
  input: MemberParams.strict(),
  handler: async ({ input, user, subject, tx, ip }) => {
    await removeMemberFromPlace(tx, { subject: subject!, userId: user!.id, ip }, input.id, input.userId);
    return { ok: true };
  },
});
