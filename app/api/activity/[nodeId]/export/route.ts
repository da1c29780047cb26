import { route } from "@/lib/api/handler";
import { exportActivity, exportQuery } from "@/lib/audit/activity";
import { placeOfActivity } from "@/lib/audit/activity-access";

export const dynamic = "force-dynamic";

/** GET /api/activity/:nodeId/export?format=csv|json&<filters> — the filtered view as a file; the export is itself audited. */
export const GET = route({
  access: { permission: "audit_log.export", resource: (i) => ({ nodeId: i.nodeId }) },
  input: exportQuery,
  handler: async ({ input, tx, user, ip }) => {
    const place = await placeOfActivity(tx, input.nodeId);
    const { body, count, truncated } = await exportActivity(tx, place, input, { userId: user.id, ip });
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "content-type": input.format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="activity-${stamp}.${input.format}"`,
        "cache-control": "no-store",
        "x-export-count": String(count),
        "x-export-truncated": String(truncated),
      },
    });
  },
});
