"use server";

import { action } from "@/lib/api/handler";
import { callRef, handleCall, handleCallSchema } from "@/lib/calls/calls";

/** Closing a call's task: calls.read on the call here (404/403), then the domain's calls.manage check and audit. */
export const handleCallAction = action({
  access: { permission: "calls.read", resource: (i, ctx) => callRef(ctx.db, ctx.subject, i.nodeId, i.callId) },
  input: handleCallSchema,
  handler: async ({ input, user, subject, tx, ip }) => handleCall(tx, { subject, userId: user.id, ip }, input),
});
