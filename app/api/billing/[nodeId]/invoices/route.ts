import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { billingPlace, listInvoices, listSchema } from "@/lib/billing/billing";

/** GET /api/billing/:nodeId/invoices?q=&page= — invoices at the place the caller may read (filtered in SQL). */
export const GET = route({
  access: { permission: "invoices.read", resource: (i) => ({ nodeId: i.nodeId }) },
  input: listSchema,
  handler: async ({ input, subject, tx }) => {
    const place = billingPlace(subject, input.nodeId);
    if (!place) throw notFound("That place");
    return listInvoices(tx, subject, place, input);
  },
});
