import { route } from "@/lib/api/handler";
import { notFound } from "@/lib/api/errors";
import { MemberParams } from "@/lib/profiles/schemas";

export const dynamic = "force-dynamic";

/** A provider's profile photo, for people who can see the team's contact details here. */
export const GET = route({
  access: { permission: "members.read_contact", resource: (i) => ({ nodeId: i.id }), member: { userId: (i) => i.userId, reach: "read" } },
  input: MemberParams,
  handler: async ({ input, tx }) => {
    const profile = await tx.providerProfile.findUnique({ where: { userId: input.userId }, select: { photo: true, photoType: true } });
    if (!profile?.photo || !profile.photoType) throw notFound("That photo");
    return new Response(Buffer.from(profile.photo), {
      headers: { "content-type": profile.photoType, "cache-control": "private, max-age=60", "x-content-type-options": "nosniff" },
    });
  },
});
