import { route } from "@/lib/api/handler";
import type { Grant, Permission } from "@/lib/authz";
import { effectivePermissions, updateMemberPermissions } from "@/lib/profiles/profiles";
import { ProfileIdParams, UpdatePermissionsBody } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

/** The caller's effective permissions at the profile. */
export const GET = route({
  access: { memberOf: (i) => i.id },
  input: ProfileIdParams,
  handler: async ({ input, subject }) => effectivePermissions(subject, input.id),
});

/** Changes a member's grants here (the body names the member). */
export const PUT = route({
  access: { permission: "members.manage_roles", resource: (i) => ({ nodeId: i.id }) },
  input: UpdatePermissionsBody.extend(ProfileIdParams.shape),
  handler: async ({ input, user, subject, tx, ip }) => ({
    adjustments: await updateMemberPermissions(tx, { subject: subject, userId: user.id, ip }, input.id, {
      userId: input.userId,
      add: input.add as Grant[],
      remove: input.remove as Permission[],
    }),
  }),
});
