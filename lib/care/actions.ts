"use server";

import { z } from "zod";
import { notFound } from "@/lib/api/errors";
import { action } from "@/lib/api/handler";
import type { Subject } from "@/lib/authz";
import { availabilitySchema, saveMyAvailability } from "@/lib/care/availability";
import { careProfileOf } from "@/lib/care/common";
import { createEvent, eventSchema } from "@/lib/care/log";
import { createShift, deleteShift, editShiftSchema, newShiftSchema, shiftRef, updateShift } from "@/lib/care/schedule";

/**
 * Care-team mutations. Each is built with action(): session → subject → zod input → decide() on
 * the record being written (its profile and its person) → domain function in a transaction, which
 * writes the audit event in that same transaction.
 */
function profile(subject: Subject, nodeId: string) {
  const found = careProfileOf(subject, nodeId);
  if (!found) throw notFound("That care profile");
  return found;
}

/** A shift named in the input, only when it belongs to the profile in the URL (else 404). */
const shiftIn = async (i: { nodeId: string; shiftId: string }, ctx: { db: Parameters<typeof shiftRef>[0] }) => {
  const ref = await shiftRef(ctx.db, i.shiftId);
  return ref && ref.nodeId === i.nodeId ? ref : null;
};

export const createShiftAction = action({
  access: { permission: "care_schedule.create", resource: (i) => ({ nodeId: i.nodeId, ownerId: i.assigneeId }) },
  input: newShiftSchema,
  handler: async ({ input, user, subject, tx, ip }) => createShift(tx, { subject: subject, userId: user.id, ip }, profile(subject, input.nodeId), input),
});

export const updateShiftAction = action({
  access: { permission: "care_schedule.edit", resource: shiftIn },
  input: editShiftSchema,
  handler: async ({ input, user, subject, tx, ip }) =>
    updateShift(tx, { subject: subject, userId: user.id, ip }, profile(subject, input.nodeId), input.shiftId, input),
});

export const deleteShiftAction = action({
  access: { permission: "care_schedule.delete", resource: shiftIn },
  input: z.object({ nodeId: z.uuid(), shiftId: z.uuid({ error: "That shift was not found." }) }),
  handler: async ({ input, user, subject, tx, ip }) => deleteShift(tx, { subject: subject, userId: user.id, ip }, profile(subject, input.nodeId), input.shiftId),
});

export const saveAvailabilityAction = action({
  // Only one's own availability: the record's person is the caller, so "own" scope applies.
  access: { permission: "availability.edit", resource: (i, ctx) => ({ nodeId: i.nodeId, ownerId: ctx.user.id }) },
  input: availabilitySchema,
  handler: async ({ input, user, subject, tx, ip }) => saveMyAvailability(tx, { subject: subject, userId: user.id, ip }, profile(subject, input.nodeId), input.slots),
});

export const logCareAction = action({
  access: { permission: "care_events.create", resource: (i, ctx) => ({ nodeId: i.nodeId, ownerId: ctx.user.id }) },
  input: eventSchema,
  handler: async ({ input, user, subject, tx, ip }) => createEvent(tx, { subject: subject, userId: user.id, ip }, profile(subject, input.nodeId), input),
});
