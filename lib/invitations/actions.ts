"use server";

import { z } from "zod";
import { action } from "@/lib/api/handler";
import { answerInvitation } from "@/lib/invitations/invitations";

/** The signed-in person accepts or declines an invitation waiting for them (their own data only). */
export const answerInvite = action({
  access: { signedIn: true },
  input: z.object({ tenantId: z.uuid({ error: "That invitation was not found." }), answer: z.enum(["accept", "decline"]) }),
  handler: async ({ input, user, tx, ip }) => answerInvitation(tx, user.id, input.tenantId, input.answer, { ip }),
});
