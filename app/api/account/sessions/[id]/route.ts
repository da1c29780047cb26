import { z } from "zod";
import { route } from "@/lib/api/handler";
import { requestMeta } from "@/lib/security/http";
import { endOwnSession } from "@/lib/security/own-account";

export const dynamic = "force-dynamic";

/**
 * Sign out one of your own sessions. Sessions are named by the first 12 characters of their id
 * (the full id is the bearer secret inside the cookie and never leaves the server).
 */
export const DELETE = route({
  access: { signedIn: true },
  input: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{12}$/, "Not a session.") }),
  handler: async ({ input, user, sessionId, tx }) => endOwnSession(tx, { userId: user.id, sessionId, ip: (await requestMeta()).ip }, input.id),
});
