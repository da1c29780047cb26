import { z } from "zod";
import { route } from "@/lib/api/handler";
import { enterableNodes } from "@/lib/context/enterable";
import { CreateProfileBody } from "@/lib/profiles/schemas";
import { createProfile, profileDetail } from "@/lib/profiles/profiles";
import { SubjectLoader } from "@/lib/authz/load";

export const dynamic = "force-dynamic";

/** Every place the caller can enter, with their role there. */
export const GET = route({
  access: { signedIn: true },
  input: z.object({}),
  readOnly: true,
  handler: async ({ subject }) => enterableNodes(subject).map(({ via: _via, depth: _depth, ...p }) => p),
  // Readable with an API key (issue 13): who the key acts as and where.
  apiKeys: true,
});

/** Creates a care profile or a practice; the caller becomes its Owner. */
export const POST = route(
  {
    access: { signedIn: true },
    input: CreateProfileBody,
    handler: async ({ input, user, subject, tx, ip }) => {
      const node = await createProfile(tx, { subject: subject, userId: user.id, ip }, input);
      // The new binding is only visible inside this transaction: compile the creator afresh from it.
      const fresh = await new SubjectLoader(tx).load(user.id);
      return profileDetail(tx, fresh, node.id);
    },
  },
  { status: 201 },
);
