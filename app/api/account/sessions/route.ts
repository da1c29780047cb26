import { z } from "zod";
import { route } from "@/lib/api/handler";
import { endSessions } from "@/lib/security/account-admin";
import { listSessions } from "@/lib/sessions/sessions";

export const dynamic = "force-dynamic";

/** Your devices: every live session, this one marked. */
export const GET = route({
  access: { signedIn: true },
  input: z.object({}),
  handler: async ({ user, sessionId, tx }) => ({
    sessions: (await listSessions(tx, user.id)).map((s) => ({ ...s, current: s.id === sessionId, id: s.id.slice(0, 12) })),
  }),
});

/** "Sign out everywhere else": ends every session but this one. */
export const DELETE = route({
  access: { signedIn: true },
  input: z.strictObject({}),
  handler: async ({ user, sessionId, tx }) => {
    const count = await endSessions(tx, { userId: user.id, byUserId: user.id, reason: "signed out everywhere", exceptSessionId: sessionId });
    return { ended: count };
  },
});
