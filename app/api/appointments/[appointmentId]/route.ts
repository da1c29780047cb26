import { route } from "@/lib/api/handler";
import type { AccessContext } from "@/lib/api/handler";
import { changeStatus, reschedule, rescheduleSchema, statusSchema, visibleAppointmentRef } from "@/lib/schedule/appointments";

const appointmentRef = (i: { appointmentId: string }, ctx: AccessContext) => visibleAppointmentRef(ctx.db, ctx.subject, i.appointmentId);

/** PUT /api/appointments/:id — reschedule {date, time, minutes?}. */
export const PUT = route({
  access: { permission: "appointments.edit", resource: appointmentRef },
  input: rescheduleSchema,
  handler: async ({ input, user, subject, tx, ip }) => reschedule(tx, { subject, userId: user.id, ip }, input),
});

/** PATCH /api/appointments/:id — {change: check_in | complete | cancel | no_show}. */
export const PATCH = route({
  access: { permission: "appointments.read", resource: appointmentRef },
  input: statusSchema,
  handler: async ({ input, user, subject, tx, ip }) => changeStatus(tx, { subject, userId: user.id, ip }, input),
});
