"use server";

import { action } from "@/lib/api/handler";
import { accessDecisionSchema, accessRequestSchema, createAccessRequest, decideAccessRequest } from "@/lib/access/requests";

/**
 * Settings > Access requests (issue 11). Anyone signed in may ask; the domain functions answer 404
 * for a place outside every tenant the caller holds a live role in, and apply the approval policy
 * (lib/access/requests.ts: level per step, no self-approval, never more than the approver holds).
 */
export const requestAccess = action({
  access: { signedIn: true },
  input: accessRequestSchema,
  handler: async ({ input, user, subject, tx, ip }) => createAccessRequest(tx, { subject, userId: user.id, ip }, input),
});

export const answerAccessRequest = action({
  access: { signedIn: true },
  input: accessDecisionSchema,
  handler: async ({ input, user, subject, tx, ip }) => decideAccessRequest(tx, { subject, userId: user.id, ip }, input),
});
