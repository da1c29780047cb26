"use server";

import { action } from "@/lib/api/handler";
import { decideInput, decideLine, scheduleInput, scheduleReview } from "@/lib/access-reviews/reviews";

/** Schedules an access review of a place (quarterly by default): the owner's (access_reviews.schedule). */
export const scheduleReviewAction = action({
  access: { permission: "access_reviews.schedule", resource: (input) => ({ nodeId: input.nodeId }) },
  input: scheduleInput,
  handler: async ({ input, tx, user, subject }) => scheduleReview(tx, { subject, userId: user.id }, input),
});

/** Certifies or revokes one line: for whoever holds access_reviews.decide at the line's place. */
export const decideLineAction = action({
  access: {
    permission: "access_reviews.decide",
    resource: async (input, ctx) => {
      const line = await ctx.db.accessReviewLine.findUnique({ where: { id: input.lineId }, select: { nodeId: true } });
      return line ? { nodeId: line.nodeId } : null;
    },
  },
  input: decideInput,
  handler: async ({ input, tx, user, subject }) => decideLine(tx, { subject, userId: user.id }, input),
});
