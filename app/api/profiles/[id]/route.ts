import { route } from "@/lib/api/handler";
import { deleteProfile, profileDetail, updateProfile } from "@/lib/profiles/profiles";
import { ProfileIdParams, UpdateProfileBody } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

export const GET = route({
  access: { memberOf: (i) => i.id },
  input: ProfileIdParams,
  handler: async ({ input, subject, tx }) => profileDetail(tx, subject, input.id),
});

export const PUT = route({
  access: { memberOf: (i) => i.id },
  input: UpdateProfileBody.safeExtend(ProfileIdParams.shape),
  handler: async ({ input, user, subject, tx, ip }) => {
    await updateProfile(tx, { subject: subject, userId: user.id, ip }, input.id, input);
    return { ok: true };
  },
});

export const DELETE = route({
  access: { memberOf: (i) => i.id },
  input: ProfileIdParams.strict(),
  handler: async ({ input, user, subject, tx, ip }) => {
    await deleteProfile(tx, { subject: subject, userId: user.id, ip }, input.id);
    return { ok: true };
  },
});
