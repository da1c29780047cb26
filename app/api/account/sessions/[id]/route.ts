import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { escapeLike } from "@/lib/db/like";
import { auditForUser } from "@/lib/security/audit";
import { requestMeta } from "@/lib/security/http";

export const dynamic = "force-dynamic";

/**
 * Sign out one of your own sessions. Sessions are named by the first 12 characters of their id
 * (the full id is the bearer secret inside the cookie and never leaves the server).
 */
export const DELETE = route({
  access: { signedIn: true },
  input: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{12}$/, "Not a session.") }),
  handler: async ({ input, user, sessionId, tx }) => {
    const mine = await tx.session.findMany({ where: { userId: user.id, revokedAt: null, id: { startsWith: escapeLike(input.id) } }, select: { id: true } });
    if (mine.length !== 1) throw new AppError("not_found", "That session was not found. It may have ended already.");
    await tx.session.update({ where: { id: mine[0].id }, data: { revokedAt: new Date(), revokedReason: mine[0].id === sessionId ? "signed out" : "signed out from another device" } });
    await auditForUser(tx, user.id, { actorId: user.id, action: "auth.session_ended", ip: (await requestMeta()).ip, details: { current: mine[0].id === sessionId } });
    return { ended: 1, current: mine[0].id === sessionId };
  },
});
