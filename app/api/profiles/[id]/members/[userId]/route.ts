import { route } from "@/lib/api/handler";
import { mask, type MemberReach, type Permission } from "@/lib/authz";
import { removeMemberFromPlace, setMemberRoles } from "@/lib/members/admin";
import { findMember } from "@/lib/members/directory";
import { MemberParams, UpdateMemberBody } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

/** A permission at the profile, on one of its members (404 for anyone who isn't one). */
const onMember = (permission: Permission, reach: MemberReach) => ({
  permission,
  resource: (i: { id: string }) => ({ nodeId: i.id }),
  member: { userId: (i: { userId: string }) => i.userId, reach },
});

/** The member as this profile sees them: their roles here only, contact fields per the caller's grants. */
export const GET = route({
  access: onMember("members.read", "read"),
  input: MemberParams,
  handler: async ({ input, tx, subject }) => {
    const member = (await findMember(tx, input.id, input.userId))!;
    const { record } = mask(subject, "members", { nodeId: input.id }, { name: member.name, email: member.email, phone: member.phone, status: member.memberStatus });
    return {
      id: member.id,
      ...record,
      roles: member.bindings.map((b) => ({ nodeId: b.nodeId, nodeName: b.node.name, roleId: b.roleId, roleName: b.role.name, expiresAt: b.expiresAt, pending: b.pending })),
    };
  },
});

/** Sets the member's role at one or more nodes of the profile (null removes it there). */
export const PUT = route({
  access: onMember("members.manage_roles", "roles"),
  input: UpdateMemberBody.extend(MemberParams.shape),
  handler: async ({ input, user, subject, tx, ip }) => {
    await setMemberRoles(tx, { subject: subject, userId: user.id, ip }, input.id, input.userId, input.assignments);
    return { ok: true };
  },
});

/** Removes the member from the profile (their account and records stay). */
export const DELETE = route({
  access: onMember("members.delete", "membership"),
  input: MemberParams.strict(),
  handler: async ({ input, user, subject, tx, ip }) => {
    await removeMemberFromPlace(tx, { subject: subject, userId: user.id, ip }, input.id, input.userId);
    return { ok: true };
  },
});
