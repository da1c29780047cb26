import "server-only";
import { z } from "zod";
import { decide, lookupNode, mask, resourceOfRow, subtreeIds, where, type Subject } from "../authz";
import { holds } from "../context/enterable";
import { addDays, isRealDate, localDate, weekOf } from "../care/time";
import type { Db } from "../db/client";
import { listAppointments, locationOf, providerWeeks, type AppointmentView, type ProviderWeek } from "./appointments";

/**
 * What the schedule page (app/(app)/o/[nodeId]/schedule) shows: a day or a week of appointments at
 * a place (all its locations, or one), optionally for one provider, with the providers' hours so the
 * grid can shade the time they don't work, and what the booking form may offer. Every read goes
 * through the policy: appointments by where(), providers by availability.read, patients by
 * where(patients.read_contact) and their names by mask().
 */
export const calendarQuery = z.object({
  view: z.enum(["day", "week"]).catch("week"),
  date: z.string().refine(isRealDate).optional().catch(undefined),
  /** A provider's id, or "all"; missing: everyone's, or, for a Provider (no place-wide read), their own calendar. */
  provider: z.union([z.uuid(), z.literal("all")]).optional().catch(undefined),
  location: z.uuid().optional().catch(undefined),
});
export type CalendarQuery = z.output<typeof calendarQuery>;

export interface CalendarPlace {
  id: string;
  name: string;
}

export interface Calendar {
  view: "day" | "week";
  /** The day shown (day view) or the week's Monday. */
  date: string;
  days: string[];
  today: string;
  timeZone: string;
  locations: CalendarPlace[];
  location: CalendarPlace | null;
  providers: { id: string; name: string }[];
  provider: { id: string; name: string } | null;
  /** The provider filter as the page's links must carry it ("all" when a Provider chose everyone they can see). */
  providerParam: string | null;
  /** Per location: the providers with hours there (whose availability the caller may read). */
  weeks: { location: CalendarPlace; weeks: ProviderWeek[] }[];
  appointments: AppointmentView[];
  /** Booking: the locations and providers the caller may book, and the patients they may book for. */
  booking: { locations: (CalendarPlace & { providers: { id: string; name: string }[] })[]; patients: { id: string; name: string; nodeId: string }[] } | null;
}

export async function loadCalendar(db: Db, subject: Subject, node: { id: string; tenantId: string }, query: CalendarQuery, now = new Date()): Promise<Calendar> {
  const place = lookupNode(subject, node.id)!;
  const timeZone = place.timeZone;
  const tree = subject.trees.find((t) => t.rootId === node.tenantId)!;
  const locations = subtreeIds(tree, node.id)
    .map((id) => lookupNode(subject, id)!)
    .filter((n) => n.kind === "LOCATION" && !n.archived && holds(subject, "appointments.read", n.id))
    .map((n) => ({ id: n.id, name: n.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const location = locations.find((l) => l.id === query.location) ?? null;
  const today = localDate(now, timeZone);
  const date = query.view === "day" ? (query.date ?? today) : weekOf(timeZone, query.date ?? today).monday;
  const days = query.view === "day" ? [date] : Array.from({ length: 7 }, (_, i) => addDays(date, i));

  const shown = location ? [location] : locations;
  const weeks = await Promise.all(
    shown.map(async (l) => ({ location: l, weeks: await providerWeeks(db, subject, locationOf(subject, l.id), days[0], days[days.length - 1]) })),
  );
  // A Provider reads their own appointments and their shared patients' (with other providers): their own calendar first.
  const everyone = decide(subject, "appointments.read", { nodeId: location?.id ?? node.id });
  const providerId = query.provider === "all" ? undefined : (query.provider ?? (everyone ? undefined : subject.userId));
  const appointments = await listAppointments(db, subject, { nodeId: location?.id ?? node.id, from: days[0], days: days.length, timeZone, providerId });
  const byId = new Map<string, { id: string; name: string }>();
  for (const w of weeks) for (const p of w.weeks) byId.set(p.provider.id, p.provider);
  for (const a of appointments) byId.set(a.provider.id, a.provider);
  if (providerId && !byId.has(providerId) && providerId === subject.userId) {
    const me = await db.user.findUnique({ where: { id: providerId }, select: { id: true, name: true } });
    if (me) byId.set(me.id, me);
  }
  const providers = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  const provider = providers.find((p) => p.id === providerId) ?? null;
  const providerParam = query.provider === "all" ? "all" : provider && provider.id === query.provider ? provider.id : null;

  const bookable = weeks
    .map(({ location: l, weeks: w }) => ({ ...l, providers: w.map((p) => p.provider).filter((p) => decide(subject, "appointments.create", { nodeId: l.id, ownerId: p.id })) }))
    .filter((l) => l.providers.length > 0);
  let booking: Calendar["booking"] = null;
  if (bookable.length > 0) {
    const rows = await db.patient.findMany({
      where: { AND: [where(subject, "patients.read_contact", "patient"), { nodeId: { in: subtreeIds(tree, node.id) } }] },
      orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
      take: 500,
      select: { id: true, nodeId: true, firstName: true, lastName: true, primaryProviderId: true, assignments: { select: { userId: true } } },
    });
    const patients = rows.flatMap((p) => {
      const seen = mask(subject, "patients", resourceOfRow("patient", p), { firstName: p.firstName, lastName: p.lastName }).record;
      return seen.lastName === undefined ? [] : [{ id: p.id, nodeId: p.nodeId, name: `${seen.lastName}, ${seen.firstName}` }];
    });
    booking = { locations: bookable, patients };
  }
  return { view: query.view, date, days, today, timeZone, locations, location, providers, provider, providerParam, weeks, appointments, booking };
}

/** The hours a provider works at a location on a weekday ("HH:MM" spans), and whether the day is off. */
export function workingSpans(weeks: Calendar["weeks"], providerId: string, date: string, weekday: number) {
  const spans: { start: string; end: string; kind: string; location: string }[] = [];
  let off = false;
  for (const { location, weeks: list } of weeks) {
    const w = list.find((x) => x.provider.id === providerId);
    if (!w) continue;
    if (w.daysOff.includes(date)) off = true;
    for (const h of w.hours) if (h.weekday === weekday) spans.push({ ...h, location: location.name });
  }
  return { spans, off };
}
