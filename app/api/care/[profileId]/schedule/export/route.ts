import { route } from "@/lib/api/handler";
import { csvResponse } from "@/lib/care/common";
import { exportProfile, exportQuery, fileSlug } from "@/lib/care/export";
import { exportSchedule } from "@/lib/care/schedule";
import { weekOf } from "@/lib/care/time";

/** GET /api/care/:profileId/schedule/export?week=YYYY-MM-DD — the week's schedule as CSV (audited). */
export const GET = route({
  access: { permission: "care_schedule.export", resource: (i) => ({ nodeId: i.profileId }) },
  input: exportQuery,
  handler: async ({ input, user, subject, tx, ip }) => {
    const profile = exportProfile(subject, input.profileId);
    const week = weekOf(profile.timeZone, input.week);
    const body = await exportSchedule(tx, { subject: subject, userId: user.id, ip }, profile, week);
    return csvResponse(`${fileSlug(profile.name)}-schedule-${week.monday}.csv`, body);
  },
});
