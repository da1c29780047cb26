import { notFound } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { billingPlace, exportBillingReport, periodSchema } from "@/lib/billing/billing";
import { csvResponse } from "@/lib/care/common";
import { fileSlug } from "@/lib/care/export";

/** GET /api/billing/:nodeId/report/export?from=YYYY-MM-DD&to=YYYY-MM-DD — the billing report per location as CSV (audited). */
export const GET = route({
  access: { permission: "billing_reports.export", resource: (i) => ({ nodeId: i.nodeId }) },
  input: periodSchema,
  handler: async ({ input, user, subject, tx, ip }) => {
    const place = billingPlace(subject, input.nodeId);
    if (!place) throw notFound("That place");
    const body = await exportBillingReport(tx, { subject, userId: user.id, ip }, place, input);
    return csvResponse(`${fileSlug(place.name)}-billing-${input.from}-${input.to}.csv`, body);
  },
});
