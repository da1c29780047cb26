"use server";

import { action } from "@/lib/api/handler";
import type { AccessContext } from "@/lib/api/handler";
import { addDayOff, removeDayOff, removeDayOffSchema, book, bookSchema, bookableSlots, slotsSchema, changeStatus, dayOffSchema, hoursSchema, reschedule, rescheduleSchema, saveHours, statusSchema, visibleAppointmentRef } from "./appointments";

/**
 * Scheduling mutations (issue 10) through action(): an appointment the caller can't see is 404,
 * one they see but may not change is 403, a time that isn't free is 409 with the reason.
 */
const appointmentRef = (i: { appointmentId: string }, ctx: AccessContext) => visibleAppointmentRef(ctx.db, ctx.subject, i.appointmentId);

export const bookAction = action({
  access: { permission: "appointments.create", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.providerId }) },
  input: bookSchema,
  handler: async ({ input, user, subject, tx, ip }) => book(tx, { subject, userId: user.id, ip }, input),
});

export const rescheduleAction = action({
  access: { permission: "appointments.edit", resource: appointmentRef },
  input: rescheduleSchema,
  handler: async ({ input, user, subject, tx, ip }) => reschedule(tx, { subject, userId: user.id, ip }, input),
});

export const changeStatusAction = action({
  // The permission each change needs (check_in vs edit) is checked on the record by changeStatus.
  access: { permission: "appointments.read", resource: appointmentRef },
  input: statusSchema,
  handler: async ({ input, user, subject, tx, ip }) => changeStatus(tx, { subject, userId: user.id, ip }, input),
});

export const saveHoursAction = action({
  access: { permission: "availability.edit", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.providerId }) },
  input: hoursSchema,
  handler: async ({ input, user, subject, tx, ip }) => saveHours(tx, { subject, userId: user.id, ip }, input),
});

export const addDayOffAction = action({
  access: { permission: "availability.edit", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.providerId }) },
  input: dayOffSchema,
  handler: async ({ input, user, subject, tx, ip }) => addDayOff(tx, { subject, userId: user.id, ip }, input),
});

/** The free start times the booking form offers (read-only; the booking itself re-checks under the lock). */
export const freeSlotsAction = action({
  access: { permission: "appointments.create", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.providerId }) },
  input: slotsSchema,
  handler: async ({ input, subject, tx }) => bookableSlots(tx, subject, input),
});

export const removeDayOffAction = action({
  access: { permission: "availability.edit", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.providerId }) },
  input: removeDayOffSchema,
  handler: async ({ input, user, subject, tx, ip }) => removeDayOff(tx, { subject, userId: user.id, ip }, input),
});
