import { route } from "@/lib/api/handler";
import { csvResponse } from "@/lib/care/common";
import { exportProfile, exportQuery, fileSlug } from "@/lib/care/export";
import { exportReport } from "@/lib/care/reports";
import { weekOf } from "@/lib/care/time";

/** GET /api/care/:profileId/reports/export?week=YYYY-MM-DD — the week's hours and log counts as CSV (audited). */
export const GET = route({
  access: { permission: "care_reports.export", resource: (i) => ({ nodeId: i.profileId }) },
  input: exportQuery,
  handler: async ({ input, user, subject, tx, ip }) => {
    const profile = exportProfile(subject, input.profileId);
    const week = weekOf(profile.timeZone, input.week);
    const body = await exportReport(tx, { subject: subject, userId: user.id, ip }, profile, week);
    return csvResponse(`${fileSlug(profile.name)}-care-report-${week.monday}.csv`, body);
  },
});
