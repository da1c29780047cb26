import { z } from "zod";
import { decide } from "../authz";
import { AppError, forbidden, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { memberWhere } from "../members/directory";
import type { Actor } from "../members/admin";
import { careTeam, csv, dateField, timeField, type CareProfile } from "./common";
import { careResource, careWhere } from "./filters";
import { localDate, localTime, zonedToUtc, type Week } from "./time";
import type { Subject } from "../authz";

/** The fields of the shift form; times are wall-clock in the profile's time zone. */
export const shiftFields = {
  title: z.string({ error: "Give the shift a title." }).trim().min(1, "Give the shift a title, like “Morning care”.").max(120, "Keep the title under 120 characters."),
  date: dateField("Choose the day of the shift."),
  start: timeField("Choose when the shift starts."),
  end: timeField("Choose when the shift ends."),
  assigneeId: z
    .union([z.uuid({ error: "Choose someone from the care team, or leave the shift open." }), z.literal("")], { error: "Choose someone from the care team, or leave the shift open." })
    .optional()
    .transform((v) => v || null),
  notes: z.string().trim().max(1000, "Keep the notes under 1,000 characters.").optional().default(""),
};

const endAfterStart = (v: { start: string; end: string }, ctx: z.RefinementCtx) => {
  if (v.end <= v.start) ctx.addIssue({ code: "custom", path: ["end"], message: "The shift must end after it starts." });
};

export const newShiftSchema = z.object({ nodeId: z.uuid(), ...shiftFields }).superRefine(endAfterStart);
export const editShiftSchema = z.object({ nodeId: z.uuid(), shiftId: z.uuid({ error: "That shift was not found." }), ...shiftFields }).superRefine(endAfterStart);
export type ShiftInput = z.output<typeof newShiftSchema>;

export interface ShiftView {
  id: string;
  title: string;
  notes: string;
  startsAt: string;
  endsAt: string;
  date: string;
  start: string;
  end: string;
  assignee: { id: string; name: string; email: string } | null;
}

/**
 * The shifts of one week that the subject may read, filtered in SQL: everyone's with
 * care_schedule.read on the profile, only their own with the "assigned" scope (a Member).
 */
export async function listShifts(db: Db | Tx, subject: Subject, profile: CareProfile, week: Pick<Week, "start" | "end">): Promise<ShiftView[]> {
  const rows = await db.careShift.findMany({
    where: { AND: [careWhere(subject, "care_schedule.read", "careShift"), { profileId: profile.id, startsAt: { lt: week.end }, endsAt: { gt: week.start } }] },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    select: { id: true, title: true, notes: true, startsAt: true, endsAt: true, assignee: { select: { id: true, name: true, email: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    notes: r.notes,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    date: localDate(r.startsAt, profile.timeZone),
    start: localTime(r.startsAt, profile.timeZone),
    end: localTime(r.endsAt, profile.timeZone),
    assignee: r.assignee,
  }));
}

async function checkAssignee(tx: Tx, profileId: string, assigneeId: string | null) {
  if (!assigneeId) return;
  const member = await tx.user.findFirst({ where: { id: assigneeId, ...memberWhere(profileId) }, select: { id: true } });
  if (!member) throw new AppError("invalid", "Some fields need attention.", { assigneeId: ["Choose someone on this care team (or leave the shift open)."] });
}

function instants(profile: CareProfile, input: Pick<ShiftInput, "date" | "start" | "end">) {
  return { startsAt: zonedToUtc(input.date, input.start, profile.timeZone), endsAt: zonedToUtc(input.date, input.end, profile.timeZone) };
}

export async function createShift(tx: Tx, actor: Actor, profile: CareProfile, input: ShiftInput) {
  await checkAssignee(tx, profile.id, input.assigneeId);
  const shift = await tx.careShift.create({
    data: { profileId: profile.id, assigneeId: input.assigneeId, title: input.title, notes: input.notes, createdById: actor.userId, ...instants(profile, input) },
  });
  await recordAudit(tx, {
    tenantId: profile.id,
    actorId: actor.userId,
    action: "care_shift.created",
    targetType: "care_shift",
    targetId: shift.id,
    details: { title: shift.title, startsAt: shift.startsAt.toISOString(), endsAt: shift.endsAt.toISOString(), assigneeId: shift.assigneeId },
    ip: actor.ip,
  });
  return { id: shift.id };
}

/** The shift's ResourceRef, or null when it doesn't exist (the wrapper answers 404). */
export async function shiftRef(db: Db | Tx, shiftId: string) {
  const shift = await db.careShift.findUnique({ where: { id: shiftId }, select: { profileId: true, assigneeId: true } });
  return shift ? careResource("careShift", shift) : null;
}

export async function updateShift(tx: Tx, actor: Actor, profile: CareProfile, shiftId: string, input: ShiftInput) {
  const before = await tx.careShift.findFirst({ where: { id: shiftId, profileId: profile.id } });
  if (!before) throw notFound("That shift");
  // The edited shift must still be one the editor may edit (a narrower role can't hand it away).
  if (!decide(actor.subject, "care_schedule.edit", careResource("careShift", { profileId: profile.id, assigneeId: input.assigneeId }))) throw forbidden();
  await checkAssignee(tx, profile.id, input.assigneeId);
  const after = await tx.careShift.update({
    where: { id: shiftId },
    data: { title: input.title, notes: input.notes, assigneeId: input.assigneeId, ...instants(profile, input) },
  });
  await recordAudit(tx, {
    tenantId: profile.id,
    actorId: actor.userId,
    action: "care_shift.updated",
    targetType: "care_shift",
    targetId: shiftId,
    details: {
      before: { title: before.title, startsAt: before.startsAt.toISOString(), endsAt: before.endsAt.toISOString(), assigneeId: before.assigneeId },
      after: { title: after.title, startsAt: after.startsAt.toISOString(), endsAt: after.endsAt.toISOString(), assigneeId: after.assigneeId },
    },
    ip: actor.ip,
  });
  return { id: shiftId };
}

export async function deleteShift(tx: Tx, actor: Actor, profile: CareProfile, shiftId: string) {
  const shift = await tx.careShift.findFirst({ where: { id: shiftId, profileId: profile.id } });
  if (!shift) throw notFound("That shift");
  await tx.careShift.delete({ where: { id: shiftId } });
  await recordAudit(tx, {
    tenantId: profile.id,
    actorId: actor.userId,
    action: "care_shift.deleted",
    targetType: "care_shift",
    targetId: shiftId,
    details: { title: shift.title, startsAt: shift.startsAt.toISOString(), endsAt: shift.endsAt.toISOString(), assigneeId: shift.assigneeId },
    ip: actor.ip,
  });
  return { id: shiftId };
}

/**
 * The schedule as CSV: the rows the exporter may read (the same SQL filter as the page), in the
 * profile's time zone. Recorded in the audit log as an export, in the same transaction.
 */
export async function exportSchedule(tx: Tx, actor: Actor, profile: CareProfile, week: Week): Promise<string> {
  const shifts = await listShifts(tx, actor.subject, profile, week);
  await recordAudit(tx, {
    tenantId: profile.id,
    actorId: actor.userId,
    action: "care_schedule.exported",
    targetType: "care_profile",
    targetId: profile.id,
    details: { week: week.monday, rows: shifts.length, format: "csv" },
    ip: actor.ip,
  });
  return csv([
    ["Date", "Start", "End", "Hours", "Shift", "Assigned to", "Email", "Notes", "Time zone"],
    ...shifts.map((s) => [
      s.date,
      s.start,
      s.end,
      ((Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 3_600_000).toFixed(2),
      s.title,
      s.assignee?.name ?? "Open shift",
      s.assignee?.email ?? "",
      s.notes,
      profile.timeZone,
    ]),
  ]);
}

export { careTeam };
