import { z } from "zod";
import { AppError, forbidden, notFound } from "../api/errors";
import { RESOURCE_INCLUDE, decide, lookupNode, mask, resourceOfRow, subtreeIds, where, type ResourceRef, type Subject } from "../authz";
import { recordAudit } from "../audit/audit";
import { dateField, timeField } from "../care/common";
import { addDays, dayLabel, localDate, localTime, timeLabel, weekdayOf, WEEKDAY_NAMES, zonedToUtc } from "../care/time";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { Actor } from "../members/admin";

/**
 * Clinic scheduling (issue 10): each provider's weekly hours, breaks and days off at a location,
 * and appointments booked only into free time. Booking and rescheduling take a per-provider lock
 * (pg_advisory_xact_lock) before checking for overlaps, so two concurrent bookings of the same
 * slot on PostgreSQL serialise: the second sees the first and is refused with a clear message.
 */

export const STATUSES = ["scheduled", "checked_in", "completed", "cancelled", "no_show"] as const;
export type Status = (typeof STATUSES)[number];
export const STATUS_LABELS: Record<Status, string> = { scheduled: "Scheduled", checked_in: "Checked in", completed: "Completed", cancelled: "Cancelled", no_show: "No-show" };

interface Location {
  id: string;
  name: string;
  rootId: string;
  timeZone: string;
}

/** A location of the caller's tenants (appointments and hours live at locations). */
export function locationOf(subject: Subject, nodeId: string): Location {
  const node = lookupNode(subject, nodeId);
  if (!node || node.archived || node.kind !== "LOCATION") throw notFound("That location");
  return { id: node.id, name: node.name, rootId: node.rootId, timeZone: node.timeZone };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const toHHMM = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const conflict = (message: string) => new AppError("conflict", message);

// ------------------------------------------------------------------------------------------------
// Weekly hours, breaks, days off
// ------------------------------------------------------------------------------------------------
const entrySchema = z
  .object({
    weekday: z.number({ error: "Choose a day of the week." }).int().min(0).max(6),
    kind: z.enum(["work", "break"], { error: "Choose hours or a break." }),
    start: timeField("Give the start as HH:MM."),
    end: timeField("Give the end as HH:MM."),
  })
  .strict()
  .refine((e) => e.end > e.start, { message: "The end must be after the start.", path: ["end"] });

export const hoursSchema = z
  .object({ nodeId: z.uuid({ error: "Choose a location." }), providerId: z.uuid({ error: "Choose a provider." }), entries: z.array(entrySchema).max(60, "At most 60 entries a week.") })
  .strict();

/** Someone who sees their own appointments at the location: a provider there. */
async function assertProvider(db: Db | Tx, nodeId: string, providerId: string, field = "providerId") {
  const { sharedLoader } = await import("../authz/load");
  const s = await sharedLoader(db as Db).load(providerId);
  if (!decide(s, "appointments.read", { nodeId, ownerId: providerId }) || !decide(s, "availability.edit", { nodeId, ownerId: providerId })) {
    throw new AppError("invalid", "Some fields need attention.", { [field]: ["That person isn't a provider at this location."] });
  }
}

export async function saveHours(tx: Tx, actor: Actor, input: z.output<typeof hoursSchema>) {
  const location = locationOf(actor.subject, input.nodeId);
  if (!decide(actor.subject, "availability.edit", { nodeId: location.id, ownerId: input.providerId })) throw forbidden("Your role can't change this provider's hours.");
  await assertProvider(tx, location.id, input.providerId);
  await tx.providerHours.deleteMany({ where: { nodeId: location.id, providerId: input.providerId } });
  await tx.providerHours.createMany({ data: input.entries.map((e) => ({ nodeId: location.id, providerId: input.providerId, ...e })) });
  await recordAudit(tx, { tenantId: location.rootId, actorId: actor.userId, action: "provider_hours.updated", targetType: "user", targetId: input.providerId, details: { nodeId: location.id, entries: input.entries.length }, ip: actor.ip });
  return { saved: input.entries.length };
}

export const dayOffSchema = z
  .object({ nodeId: z.uuid({ error: "Choose a location." }), providerId: z.uuid({ error: "Choose a provider." }), day: dateField("Choose the day."), reason: z.string().trim().max(200, "Keep the reason under 200 characters.").optional() })
  .strict();

export async function addDayOff(tx: Tx, actor: Actor, input: z.output<typeof dayOffSchema>) {
  const location = locationOf(actor.subject, input.nodeId);
  if (!decide(actor.subject, "availability.edit", { nodeId: location.id, ownerId: input.providerId })) throw forbidden("Your role can't change this provider's days off.");
  await assertProvider(tx, location.id, input.providerId);
  await lockProvider(tx, input.providerId);
  const from = zonedToUtc(input.day, "00:00", location.timeZone);
  const to = zonedToUtc(addDays(input.day, 1), "00:00", location.timeZone);
  const booked = await tx.appointment.count({ where: { providerId: input.providerId, nodeId: location.id, startsAt: { gte: from, lt: to }, status: { in: ["scheduled", "checked_in"] } } });
  if (booked > 0) throw conflict(`There ${booked === 1 ? "is 1 appointment" : `are ${booked} appointments`} booked on ${dayLabel(input.day, "long")}: reschedule or cancel ${booked === 1 ? "it" : "them"} first.`);
  const day = new Date(`${input.day}T00:00:00Z`);
  await tx.providerDayOff.upsert({
    where: { providerId_nodeId_day: { providerId: input.providerId, nodeId: location.id, day } },
    create: { providerId: input.providerId, nodeId: location.id, day, reason: input.reason ?? "" },
    update: { reason: input.reason ?? "" },
  });
  await recordAudit(tx, { tenantId: location.rootId, actorId: actor.userId, action: "provider_day_off.added", targetType: "user", targetId: input.providerId, details: { nodeId: location.id, day: input.day }, ip: actor.ip });
  return { day: input.day };
}

export const removeDayOffSchema = z
  .object({ nodeId: z.uuid({ error: "Choose a location." }), providerId: z.uuid({ error: "Choose a provider." }), day: dateField("Choose the day.") })
  .strict();

export async function removeDayOff(tx: Tx, actor: Actor, input: z.output<typeof removeDayOffSchema>) {
  const location = locationOf(actor.subject, input.nodeId);
  if (!decide(actor.subject, "availability.edit", { nodeId: location.id, ownerId: input.providerId })) throw forbidden("Your role can't change this provider's days off.");
  const { count } = await tx.providerDayOff.deleteMany({ where: { providerId: input.providerId, nodeId: location.id, day: new Date(`${input.day}T00:00:00Z`) } });
  if (count === 0) throw notFound("That day off");
  await recordAudit(tx, { tenantId: location.rootId, actorId: actor.userId, action: "provider_day_off.removed", targetType: "user", targetId: input.providerId, details: { nodeId: location.id, day: input.day }, ip: actor.ip });
  return { day: input.day };
}

/** A provider's hours and upcoming days off at a location, for the hours editor (availability.edit on them). */
export async function hoursOf(db: Db | Tx, subject: Subject, nodeId: string, providerId: string, today: string) {
  const location = locationOf(subject, nodeId);
  if (!decide(subject, "availability.edit", { nodeId: location.id, ownerId: providerId })) throw forbidden("Your role can't change this provider's hours.");
  const [hours, daysOff] = await Promise.all([
    db.providerHours.findMany({ where: { nodeId: location.id, providerId }, orderBy: [{ weekday: "asc" }, { start: "asc" }], select: { weekday: true, kind: true, start: true, end: true } }),
    db.providerDayOff.findMany({ where: { nodeId: location.id, providerId, day: { gte: new Date(`${today}T00:00:00Z`) } }, orderBy: { day: "asc" }, select: { day: true, reason: true } }),
  ]);
  return { hours: hours.map((h) => ({ ...h, kind: h.kind as "work" | "break" })), daysOff: daysOff.map((d) => ({ day: d.day.toISOString().slice(0, 10), reason: d.reason })) };
}

export interface ProviderWeek {
  provider: { id: string; name: string };
  hours: { weekday: number; kind: string; start: string; end: string }[];
  daysOff: string[];
}

/** The providers with hours at the location and their weeks, for those whose availability the subject may read. */
export async function providerWeeks(db: Db | Tx, subject: Subject, location: Location, from: string, to: string): Promise<ProviderWeek[]> {
  const hours = await db.providerHours.findMany({ where: { nodeId: location.id }, orderBy: [{ weekday: "asc" }, { start: "asc" }], select: { providerId: true, weekday: true, kind: true, start: true, end: true, provider: { select: { id: true, name: true } } } });
  const off = await db.providerDayOff.findMany({ where: { nodeId: location.id, day: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${to}T00:00:00Z`) } }, select: { providerId: true, day: true } });
  const byProvider = new Map<string, ProviderWeek>();
  for (const h of hours) {
    if (!decide(subject, "availability.read", { nodeId: location.id, ownerId: h.providerId })) continue;
    const week = byProvider.get(h.providerId) ?? { provider: h.provider, hours: [], daysOff: [] };
    week.hours.push({ weekday: h.weekday, kind: h.kind, start: h.start, end: h.end });
    byProvider.set(h.providerId, week);
  }
  for (const d of off) byProvider.get(d.providerId)?.daysOff.push(d.day.toISOString().slice(0, 10));
  return [...byProvider.values()].sort((a, b) => a.provider.name.localeCompare(b.provider.name));
}

// ------------------------------------------------------------------------------------------------
// Free time and booking
// ------------------------------------------------------------------------------------------------

/** Concurrent bookings for one provider wait here, in their transactions, until the first commits. */
const lockProvider = (tx: Tx, providerId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`appointments:${providerId}`}))`;

/** Refuses a time that isn't free for the provider: outside their hours, in a break, a day off, or overlapping another appointment. */
async function assertFree(tx: Tx, location: Location, provider: { id: string; name: string }, startsAt: Date, minutes: number, excludeId: string | null) {
  const date = localDate(startsAt, location.timeZone);
  const start = localTime(startsAt, location.timeZone);
  const endMinutes = toMinutes(start) + minutes;
  if (endMinutes > 24 * 60) throw conflict("An appointment can't run past midnight.");
  const end = toHHMM(endMinutes);
  const who = provider.name;
  const off = await tx.providerDayOff.findFirst({ where: { providerId: provider.id, nodeId: location.id, day: new Date(`${date}T00:00:00Z`) }, select: { reason: true } });
  if (off) throw conflict(`${who} is off on ${dayLabel(date, "long")}${off.reason ? ` (${off.reason})` : ""}. Choose another day.`);
  const hours = await tx.providerHours.findMany({ where: { providerId: provider.id, nodeId: location.id, weekday: weekdayOf(date) }, orderBy: { start: "asc" } });
  const work = hours.filter((h) => h.kind === "work");
  if (!work.some((h) => h.start <= start && end <= h.end)) {
    const span = work.map((h) => `${timeLabel(h.start)}–${timeLabel(h.end)}`).join(", ");
    throw conflict(span ? `${timeLabel(start)}–${timeLabel(end)} is outside ${who}'s hours on ${WEEKDAY_NAMES[weekdayOf(date)]} (${span}).` : `${who} doesn't see patients here on ${WEEKDAY_NAMES[weekdayOf(date)]}s.`);
  }
  const pause = hours.find((h) => h.kind === "break" && h.start < end && start < h.end);
  if (pause) throw conflict(`${timeLabel(start)}–${timeLabel(end)} overlaps ${who}'s break (${timeLabel(pause.start)}–${timeLabel(pause.end)}).`);
  const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
  const clash = await tx.$queryRaw<{ starts_at: Date; minutes: number }[]>`
    SELECT starts_at, minutes FROM appointments
    WHERE provider_id = ${provider.id}::uuid AND status IN ('scheduled', 'checked_in')
      AND id <> ${excludeId ?? "00000000-0000-0000-0000-000000000000"}::uuid
      AND starts_at < ${endsAt} AND starts_at + make_interval(mins => minutes) > ${startsAt}
    ORDER BY starts_at LIMIT 1`;
  if (clash.length > 0) {
    const other = localTime(new Date(clash[0].starts_at), location.timeZone);
    throw conflict(`${who} already has an appointment at ${timeLabel(other)}–${timeLabel(toHHMM(toMinutes(other) + clash[0].minutes))} on ${dayLabel(date, "long")}. Choose a free slot.`);
  }
}

export const bookSchema = z
  .object({
    nodeId: z.uuid({ error: "Choose a location." }),
    patientId: z.uuid({ error: "Choose a patient." }),
    providerId: z.uuid({ error: "Choose a provider." }),
    date: dateField("Choose the day."),
    time: timeField("Choose the time."),
    minutes: z.coerce.number({ error: "Choose a length." }).int().min(10, "At least 10 minutes.").max(240, "At most 4 hours.").default(30),
    reason: z.string().trim().max(200, "Keep the reason under 200 characters.").default(""),
  })
  .strict();

export const rescheduleSchema = z
  .object({ appointmentId: z.uuid({ error: "That appointment was not found." }), date: dateField("Choose the day."), time: timeField("Choose the time."), minutes: z.coerce.number().int().min(10).max(240).optional() })
  .strict();

async function visiblePatient(tx: Tx, subject: Subject, patientId: string) {
  const p = await tx.patient.findUnique({ where: { id: patientId }, select: { id: true, tenantId: true, nodeId: true, primaryProviderId: true, ...RESOURCE_INCLUDE.patient } });
  if (!p || !decide(subject, "patients.read_contact", resourceOfRow("patient", p))) {
    throw new AppError("invalid", "Some fields need attention.", { patientId: ["That patient was not found."] });
  }
  return p;
}

const assigneesOf = (p: { primaryProviderId: string | null; assignments: { userId: string }[] }) => [...(p.primaryProviderId ? [p.primaryProviderId] : []), ...p.assignments.map((a) => a.userId)];

export async function book(tx: Tx, actor: Actor, input: z.output<typeof bookSchema>, now = new Date()): Promise<{ id: string }> {
  const location = locationOf(actor.subject, input.nodeId);
  const patient = await visiblePatient(tx, actor.subject, input.patientId);
  if (patient.tenantId !== location.rootId) throw new AppError("invalid", "Some fields need attention.", { patientId: ["That patient belongs to another organisation."] });
  const ref: ResourceRef = { nodeId: location.id, ownerId: input.providerId, assigneeIds: assigneesOf(patient) };
  if (!decide(actor.subject, "appointments.create", ref)) throw forbidden("Your role can't book this appointment.");
  await assertProvider(tx, location.id, input.providerId);
  const provider = await tx.user.findUniqueOrThrow({ where: { id: input.providerId }, select: { id: true, name: true } });
  const startsAt = zonedToUtc(input.date, input.time, location.timeZone);
  if (startsAt.getTime() < now.getTime()) throw new AppError("invalid", "Some fields need attention.", { time: ["Choose a time in the future."] });
  await lockProvider(tx, provider.id);
  await assertFree(tx, location, provider, startsAt, input.minutes, null);
  const appt = await tx.appointment.create({ data: { patientId: patient.id, nodeId: location.id, providerId: provider.id, startsAt, minutes: input.minutes, reason: input.reason } });
  await recordAudit(tx, { tenantId: location.rootId, actorId: actor.userId, action: "appointment.booked", targetType: "appointment", targetId: appt.id, details: { patientId: patient.id, providerId: provider.id, startsAt: startsAt.toISOString(), minutes: input.minutes }, ip: actor.ip });
  return { id: appt.id };
}

const APPT_SELECT = {
  id: true,
  nodeId: true,
  providerId: true,
  startsAt: true,
  minutes: true,
  status: true,
  reason: true,
  provider: { select: { id: true, name: true } },
  patient: { select: { id: true, tenantId: true, nodeId: true, firstName: true, lastName: true, primaryProviderId: true, assignments: { select: { userId: true } } } },
} satisfies Prisma.AppointmentSelect;
type ApptRow = Prisma.AppointmentGetPayload<{ select: typeof APPT_SELECT }>;

async function loadVisible(tx: Tx, subject: Subject, id: string): Promise<ApptRow> {
  const row = z.uuid().safeParse(id).success ? await tx.appointment.findUnique({ where: { id }, select: APPT_SELECT }) : null;
  if (!row || !decide(subject, "appointments.read", resourceOfRow("appointment", row))) throw notFound("That appointment");
  return row;
}

/** The ResourceRef of an appointment the subject can see, else null (the wrapper's 404). */
export async function visibleAppointmentRef(db: Db | Tx, subject: Subject, id: string): Promise<ResourceRef | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const row = await db.appointment.findUnique({ where: { id }, select: { nodeId: true, providerId: true, patientId: true, ...RESOURCE_INCLUDE.appointment } });
  if (!row) return null;
  const ref = resourceOfRow("appointment", row);
  return decide(subject, "appointments.read", ref) ? ref : null;
}

export async function reschedule(tx: Tx, actor: Actor, input: z.output<typeof rescheduleSchema>, now = new Date()) {
  const row = await loadVisible(tx, actor.subject, input.appointmentId);
  if (!decide(actor.subject, "appointments.edit", resourceOfRow("appointment", row))) throw forbidden("Your role can't reschedule this appointment.");
  if (row.status !== "scheduled") throw conflict(`This appointment is ${STATUS_LABELS[row.status as Status]?.toLowerCase() ?? row.status}: only a scheduled one can be moved.`);
  const location = locationOf(actor.subject, row.nodeId);
  const startsAt = zonedToUtc(input.date, input.time, location.timeZone);
  if (startsAt.getTime() < now.getTime()) throw new AppError("invalid", "Some fields need attention.", { time: ["Choose a time in the future."] });
  const minutes = input.minutes ?? row.minutes;
  await lockProvider(tx, row.providerId);
  await assertFree(tx, location, row.provider, startsAt, minutes, row.id);
  await tx.appointment.update({ where: { id: row.id }, data: { startsAt, minutes } });
  await recordAudit(tx, { tenantId: location.rootId, actorId: actor.userId, action: "appointment.rescheduled", targetType: "appointment", targetId: row.id, details: { from: row.startsAt.toISOString(), to: startsAt.toISOString(), minutes }, ip: actor.ip });
  return { id: row.id, startsAt: startsAt.toISOString() };
}

/** What each status change needs: the permission, and the statuses it may start from. */
const TRANSITIONS: Record<"check_in" | "complete" | "cancel" | "no_show", { to: Status; from: Status[]; permission: "appointments.check_in" | "appointments.edit" }> = {
  check_in: { to: "checked_in", from: ["scheduled"], permission: "appointments.check_in" },
  complete: { to: "completed", from: ["scheduled", "checked_in"], permission: "appointments.edit" },
  cancel: { to: "cancelled", from: ["scheduled", "checked_in"], permission: "appointments.edit" },
  no_show: { to: "no_show", from: ["scheduled"], permission: "appointments.edit" },
};
export type Transition = keyof typeof TRANSITIONS;
export const TRANSITION_KEYS = Object.keys(TRANSITIONS) as [Transition, ...Transition[]];
export const permissionFor = (t: Transition) => TRANSITIONS[t].permission;

export const statusSchema = z.object({ appointmentId: z.uuid({ error: "That appointment was not found." }), change: z.enum(TRANSITION_KEYS, { error: "Choose what to do." }) }).strict();

export async function changeStatus(tx: Tx, actor: Actor, input: z.output<typeof statusSchema>) {
  const row = await loadVisible(tx, actor.subject, input.appointmentId);
  const t = TRANSITIONS[input.change];
  if (!decide(actor.subject, t.permission, resourceOfRow("appointment", row))) throw forbidden("Your role can't do that to this appointment.");
  // Concurrent changes of one appointment: the row lock makes the second see the first's status.
  await tx.$queryRaw`SELECT id FROM appointments WHERE id = ${row.id}::uuid FOR UPDATE`;
  const current = (await tx.appointment.findUniqueOrThrow({ where: { id: row.id }, select: { status: true } })).status as Status;
  if (!t.from.includes(current)) throw conflict(`This appointment is already ${STATUS_LABELS[current]?.toLowerCase() ?? current}.`);
  await tx.appointment.update({ where: { id: row.id }, data: { status: t.to } });
  const root = (await tx.orgNode.findUniqueOrThrow({ where: { id: row.nodeId }, select: { rootId: true } })).rootId;
  await recordAudit(tx, { tenantId: root, actorId: actor.userId, action: `appointment.${t.to}`, targetType: "appointment", targetId: row.id, details: { from: current }, ip: actor.ip });
  return { id: row.id, status: t.to };
}

// ------------------------------------------------------------------------------------------------
// The calendar: a day or a week, per provider and per location
// ------------------------------------------------------------------------------------------------
export interface AppointmentView {
  id: string;
  date: string;
  start: string;
  end: string;
  minutes: number;
  status: Status;
  reason: string;
  location: string;
  provider: { id: string; name: string };
  /** The patient's name only when the subject may see their contact details. */
  patient: { id: string; name: string | null };
  can: { checkIn: boolean; edit: boolean };
}

export const calendarSchema = z.object({
  nodeId: z.uuid(),
  date: dateField("Give the day as YYYY-MM-DD.").optional(),
  view: z.enum(["day", "week"]).default("week"),
  providerId: z.uuid().optional(),
});

export async function listAppointments(db: Db | Tx, subject: Subject, input: { nodeId: string; from: string; days: number; providerId?: string; timeZone: string }): Promise<AppointmentView[]> {
  const node = lookupNode(subject, input.nodeId);
  const tree = node && subject.trees.find((t) => t.rootId === node.rootId);
  if (!node || !tree) throw notFound("That place");
  const from = zonedToUtc(input.from, "00:00", input.timeZone);
  const to = zonedToUtc(addDays(input.from, input.days), "00:00", input.timeZone);
  const rows = await db.appointment.findMany({
    where: { AND: [where(subject, "appointments.read", "appointment"), { nodeId: { in: subtreeIds(tree, node.id) }, startsAt: { gte: from, lt: to } }, input.providerId ? { providerId: input.providerId } : {}] },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: 1000,
    select: APPT_SELECT,
  });
  return rows.map((r) => {
    const ref = resourceOfRow("appointment", r);
    const tz = lookupNode(subject, r.nodeId)?.timeZone ?? input.timeZone;
    const start = localTime(r.startsAt, tz);
    const seen = mask(subject, "patients", resourceOfRow("patient", r.patient), { firstName: r.patient.firstName, lastName: r.patient.lastName }).record;
    return {
      id: r.id,
      date: localDate(r.startsAt, tz),
      start,
      end: toHHMM(Math.min(toMinutes(start) + r.minutes, 24 * 60 - 1)),
      minutes: r.minutes,
      status: r.status as Status,
      reason: r.reason,
      location: lookupNode(subject, r.nodeId)?.name ?? "",
      provider: r.provider,
      patient: { id: r.patient.id, name: seen.firstName !== undefined ? `${seen.firstName} ${seen.lastName}` : null },
      can: { checkIn: decide(subject, "appointments.check_in", ref), edit: decide(subject, "appointments.edit", ref) },
    };
  });
}

export const slotsSchema = z
  .object({
    nodeId: z.uuid({ error: "Choose a location." }),
    providerId: z.uuid({ error: "Choose a provider." }),
    date: dateField("Choose the day."),
    minutes: z.coerce.number({ error: "Choose a length." }).int().min(10, "At least 10 minutes.").max(240, "At most 4 hours.").default(30),
  })
  .strict();

/** The booking form's free start times: only for a provider the caller may book, and only times still ahead. */
export async function bookableSlots(db: Db | Tx, subject: Subject, input: z.output<typeof slotsSchema>, now = new Date()): Promise<{ slots: string[] }> {
  const location = locationOf(subject, input.nodeId);
  if (!decide(subject, "appointments.create", { nodeId: location.id, ownerId: input.providerId })) throw forbidden("Your role can't book this provider.");
  const slots = await freeSlots(db, location, input.providerId, input.date, input.minutes, 15);
  return { slots: slots.filter((t) => zonedToUtc(input.date, t, location.timeZone).getTime() > now.getTime()) };
}

/** Start times (every `step` minutes) when a provider is free for `minutes` on a day at a location. */
export async function freeSlots(db: Db | Tx, location: Location, providerId: string, date: string, minutes = 30, step = 30): Promise<string[]> {
  const [hours, off, booked] = await Promise.all([
    db.providerHours.findMany({ where: { providerId, nodeId: location.id, weekday: weekdayOf(date) } }),
    db.providerDayOff.count({ where: { providerId, nodeId: location.id, day: new Date(`${date}T00:00:00Z`) } }),
    db.appointment.findMany({
      where: { providerId, status: { in: ["scheduled", "checked_in"] }, startsAt: { gte: zonedToUtc(date, "00:00", location.timeZone), lt: zonedToUtc(addDays(date, 1), "00:00", location.timeZone) } },
      select: { startsAt: true, minutes: true },
    }),
  ]);
  if (off) return [];
  const busy = [
    ...hours.filter((h) => h.kind === "break").map((h) => [toMinutes(h.start), toMinutes(h.end)] as const),
    ...booked.map((b) => {
      const s = toMinutes(localTime(b.startsAt, location.timeZone));
      return [s, s + b.minutes] as const;
    }),
  ];
  const out: string[] = [];
  for (const w of hours.filter((h) => h.kind === "work")) {
    for (let s = toMinutes(w.start); s + minutes <= toMinutes(w.end); s += step) {
      if (!busy.some(([a, b]) => a < s + minutes && s < b)) out.push(toHHMM(s));
    }
  }
  return [...new Set(out)].sort();
}
