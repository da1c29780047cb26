import { z } from "zod";
import { decide, type Subject } from "../authz";
import { AppError, forbidden } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import type { Actor } from "../members/admin";
import { dateField, timeField, type CareProfile } from "./common";
import { readableEventsWhere } from "./filters";
import { localDate, localTime, zonedToUtc } from "./time";

export const EVENT_KINDS = { meal: "Meal", medication: "Medication", visit: "Visit", note: "Note" } as const;
export type EventKind = keyof typeof EVENT_KINDS;
const KIND_KEYS = Object.keys(EVENT_KINDS) as [EventKind, ...EventKind[]];

/** Allowance for clock skew between the browser and the server when checking "not in the future". */
const FUTURE_SLACK_MS = 5 * 60_000;

export const eventSchema = z.object({
  nodeId: z.uuid(),
  kind: z.enum(KIND_KEYS, { error: "Choose what kind of care this was." }),
  date: dateField("Choose the day it happened."),
  time: timeField("Choose the time it happened."),
  note: z.string({ error: "Describe what happened." }).trim().min(1, "Describe what happened.").max(2000, "Keep the note under 2,000 characters."),
  sensitive: z.boolean().optional().default(false),
});
export type EventInput = z.output<typeof eventSchema>;

export interface EventView {
  id: string;
  kind: string;
  kindLabel: string;
  note: string;
  sensitive: boolean;
  occurredAt: string;
  date: string;
  time: string;
  author: { id: string; name: string };
}

export const LOG_PAGE_SIZE = 50;

/**
 * The most recent log entries the subject may read, filtered in SQL: all of them with
 * care_events.read on the profile, only their own with the "own" scope (a Member); sensitive
 * entries only with care_sensitive.read. Entries they may not read are never loaded.
 */
export async function listEvents(db: Db | Tx, subject: Subject, profile: CareProfile, take = LOG_PAGE_SIZE): Promise<{ rows: EventView[]; total: number }> {
  const where = { AND: [readableEventsWhere(subject), { profileId: profile.id }] };
  const [total, rows] = await Promise.all([
    db.careEvent.count({ where }),
    db.careEvent.findMany({
      where,
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      take,
      select: { id: true, kind: true, note: true, sensitive: true, occurredAt: true, author: { select: { id: true, name: true } } },
    }),
  ]);
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      kindLabel: EVENT_KINDS[r.kind as EventKind] ?? r.kind,
      note: r.note,
      sensitive: r.sensitive,
      occurredAt: r.occurredAt.toISOString(),
      date: localDate(r.occurredAt, profile.timeZone),
      time: localTime(r.occurredAt, profile.timeZone),
      author: r.author,
    })),
  };
}

/** May the subject mark an entry sensitive? Writing sensitive information needs care_sensitive.edit. */
export const canMarkSensitive = (subject: Subject, profileId: string) => decide(subject, "care_sensitive.edit", { nodeId: profileId, ownerId: subject.userId });

export async function createEvent(tx: Tx, actor: Actor, profile: CareProfile, input: EventInput, now = new Date()) {
  if (input.sensitive && !canMarkSensitive(actor.subject, profile.id)) throw forbidden("Your role here can't mark care entries as sensitive.");
  const occurredAt = zonedToUtc(input.date, input.time, profile.timeZone);
  if (occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) {
    throw new AppError("invalid", "Some fields need attention.", { time: ["Care can't be logged for a time in the future."] });
  }
  const event = await tx.careEvent.create({
    data: { profileId: profile.id, authorId: actor.userId, occurredAt, kind: input.kind, note: input.note, sensitive: input.sensitive },
  });
  // The note itself stays out of the audit log: it may be sensitive health information.
  await recordAudit(tx, {
    tenantId: profile.id,
    actorId: actor.userId,
    action: "care_event.logged",
    targetType: "care_event",
    targetId: event.id,
    details: { kind: event.kind, occurredAt: event.occurredAt.toISOString(), sensitive: event.sensitive },
    ip: actor.ip,
  });
  return { id: event.id };
}
