import { z } from "zod";
import { route } from "@/lib/api/handler";
import { membershipsOf } from "@/lib/members/memberships";

export const dynamic = "force-dynamic";

/** The signed-in person and where they belong, with their role at each place. */
export const GET = route({
  access: { signedIn: true },
  input: z.object({}),
  handler: async ({ user, subject }) => ({ user, memberships: membershipsOf(subject) }),
  // Readable with an API key (issue 13): who the key acts as and where.
  apiKeys: true,
});
