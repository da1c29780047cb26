import { z } from "zod";
import { recordAudit } from "../audit/audit";
import type { Subject } from "../authz";
import type { Db, Tx } from "../db/client";
import type { Actor } from "../members/admin";
import { timeField, type CareProfile } from "./common";
import { careWhere } from "./filters";
import { WEEKDAY_NAMES, WEEK_ORDER } from "./time";

export const MAX_SLOTS_PER_DAY = 4;

const slot = z.object({
  weekday: z.coerce.number({ error: "Choose a day." }).int().min(0, "Choose a day.").max(6, "Choose a day."),
  start: timeField("Choose a start time."),
  end: timeField("Choose an end time."),
});

/** A person's whole week: replaces what they had. Per-slot messages land on `slots.<i>.start|end`. */
export const availabilitySchema = z
  .object({ nodeId: z.uuid(), slots: z.array(slot).max(7 * MAX_SLOTS_PER_DAY, "That is more time slots than a week can hold.") })
  .superRefine((v, ctx) => {
    v.slots.forEach((s, i) => {
      if (s.end <= s.start) ctx.addIssue({ code: "custom", path: ["slots", i, "end"], message: `${WEEKDAY_NAMES[s.weekday]}: the end time must be after the start time.` });
    });
    for (const day of WEEK_ORDER) {
      const ofDay = v.slots.map((s, i) => ({ ...s, i })).filter((s) => s.weekday === day).sort((a, b) => a.start.localeCompare(b.start));
      if (ofDay.length > MAX_SLOTS_PER_DAY) ctx.addIssue({ code: "custom", path: ["slots", ofDay[MAX_SLOTS_PER_DAY].i, "start"], message: `${WEEKDAY_NAMES[day]}: at most ${MAX_SLOTS_PER_DAY} time slots.` });
      for (let k = 1; k < ofDay.length; k++) {
        if (ofDay[k].start < ofDay[k - 1].end) {
          ctx.addIssue({ code: "custom", path: ["slots", ofDay[k].i, "start"], message: `${WEEKDAY_NAMES[day]}: these times overlap another slot on the same day.` });
        }
      }
    }
  });
export type AvailabilityInput = z.output<typeof availabilitySchema>;

export interface SlotView {
  weekday: number;
  start: string;
  end: string;
}
export interface PersonAvailability {
  userId: string;
  name: string;
  slots: SlotView[];
}

/** The team's weekly availability that the subject may read (availability.read), filtered in SQL. */
export async function listTeamAvailability(db: Db | Tx, subject: Subject, profile: CareProfile): Promise<PersonAvailability[]> {
  const rows = await db.careAvailability.findMany({
    where: { AND: [careWhere(subject, "availability.read", "careAvailability"), { profileId: profile.id }] },
    orderBy: [{ user: { name: "asc" } }, { userId: "asc" }, { weekday: "asc" }, { start: "asc" }],
    select: { userId: true, weekday: true, start: true, end: true, user: { select: { name: true } } },
  });
  const people = new Map<string, PersonAvailability>();
  for (const r of rows) {
    const p = people.get(r.userId) ?? { userId: r.userId, name: r.user.name, slots: [] };
    p.slots.push({ weekday: r.weekday, start: r.start, end: r.end });
    people.set(r.userId, p);
  }
  return [...people.values()];
}

/** The signed-in person's own slots (what the form edits). */
export async function myAvailability(db: Db | Tx, profileId: string, userId: string): Promise<SlotView[]> {
  return db.careAvailability.findMany({
    where: { profileId, userId },
    orderBy: [{ weekday: "asc" }, { start: "asc" }],
    select: { weekday: true, start: true, end: true },
  });
}

/** Replaces the actor's own weekly availability in the profile; audited. */
export async function saveMyAvailability(tx: Tx, actor: Actor, profile: CareProfile, slots: AvailabilityInput["slots"]) {
  const removed = await tx.careAvailability.deleteMany({ where: { profileId: profile.id, userId: actor.userId } });
  if (slots.length) {
    await tx.careAvailability.createMany({ data: slots.map((s) => ({ profileId: profile.id, userId: actor.userId, weekday: s.weekday, start: s.start, end: s.end })) });
  }
  await recordAudit(tx, {
    tenantId: profile.id,
    actorId: actor.userId,
    action: "care_availability.updated",
    targetType: "user",
    targetId: actor.userId,
    details: { slotsBefore: removed.count, slotsAfter: slots.length },
    ip: actor.ip,
  });
  return { slots: slots.length };
}
