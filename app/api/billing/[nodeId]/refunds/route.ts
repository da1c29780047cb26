import { z } from "zod";
import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { billingPlace, listRefunds } from "@/lib/billing/billing";

/** GET /api/billing/:nodeId/refunds — refunds at the place, each with what the caller may do and why not. */
export const GET = route({
  access: { permission: "refunds.read", resource: (i) => ({ nodeId: i.nodeId }) },
  input: z.object({ nodeId: z.uuid() }),
  handler: async ({ input, subject, tx }) => {
    const place = billingPlace(subject, input.nodeId);
    if (!place) throw notFound("That place");
    return listRefunds(tx, subject, place);
  },
});
