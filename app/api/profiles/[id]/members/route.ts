import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { lookupTree, mask } from "@/lib/authz";
import { listMembers } from "@/lib/members/directory";
import { inviteToPlace } from "@/lib/members/invite";
import { InviteBody, MemberListQuery, ProfileIdParams } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

/** The people of the profile, searchable and filterable, a page at a time. */
export const GET = route({
  access: { permission: "members.read", resource: (i) => ({ nodeId: i.id }) },
  input: MemberListQuery.extend(ProfileIdParams.shape),
  readOnly: true,
  handler: async ({ input, tx, subject }) => {
    // The access check found the place in the subject's tree: its tenant and its places' names come from there.
    const page = await listMembers(tx, input.id, input, undefined, { tree: lookupTree(subject, input.id) });
    // Contact fields only for callers whose grants here show them (members.read_contact).
    return { ...page, rows: page.rows.map((row) => mask(subject, "members", { nodeId: input.id }, { ...row }).record) };
  },
});

/** Invites someone (by email) with a role at the profile or at chosen locations under it. */
export const POST = route(
  {
    access: { permission: "members.create", resource: (i) => ({ nodeId: i.id }) },
    input: InviteBody.extend(ProfileIdParams.shape),
    handler: async ({ input, user, subject, tx, ip }) => {
      if (input.email === user.email) throw new AppError("conflict", "You are already a member.");
      return inviteToPlace(tx, { subject: subject, userId: user.id, ip }, input.id, {
        email: input.email,
        name: input.name,
        assignments: (input.locations?.length ? input.locations : [input.id]).map((nodeId) => ({ nodeId, roleId: input.roleId })),
      });
    },
  },
  { status: 201 },
);
