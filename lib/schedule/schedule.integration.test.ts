/**
 * Clinic scheduling (issue 10) through the real specs (runAs) on PGlite and, with TEST_DATABASE_URL,
 * PostgreSQL: appointments only in free time (hours, breaks, days off, other appointments), with the
 * reason in the refusal; concurrent bookings of one slot leave exactly one appointment; status
 * changes by permission; strangers 404, lower roles 403, broken input 400.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST as BOOK } from "@/app/api/appointments/route";
import { PATCH as STATUS, PUT as RESCHEDULE } from "@/app/api/appointments/[appointmentId]/route";
import { AppError } from "../api/errors";
import { runAs, type Caller, type Spec } from "../api/handler";
import { SubjectLoader } from "../authz/load";
import { addDays, localDate, weekdayOf } from "../care/time";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { addDayOffAction, saveHoursAction } from "./actions";
import { freeSlots, listAppointments, locationOf } from "./appointments";

const specOf = (entry: unknown) => (entry as { spec: Spec<never, unknown> }).spec;
type Outcome = { ok: true; data: any } | { ok: false; code: string; fields?: Record<string, string[]>; message: string };

describe.each(TEST_DATABASES)("clinic scheduling ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const patients = new Map<string, string>();
  const users = new Map<string, string>();
  const callers = new Map<string, Caller>();
  // A Monday four weeks ahead, beyond the seeded month of appointments.
  let monday = addDays(localDate(new Date(), "America/Los_Angeles"), 28);
  while (weekdayOf(monday) !== 1) monday = addDays(monday, 1);

  const call = async (entry: unknown, email: string, raw: unknown): Promise<Outcome> => {
    try {
      return { ok: true, data: await runAs(specOf(entry), raw as never, callers.get(email)!) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, code: err.code, fields: err.fields, message: err.message };
      throw err;
    }
  };
  const booking = (patient: string, provider: string, time: string, extra: Record<string, unknown> = {}) => ({
    nodeId: nodes.get("Seattle Downtown"),
    patientId: patients.get(patient),
    providerId: users.get(provider),
    date: monday,
    time,
    minutes: 30,
    ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    for (const p of await db.prisma.patient.findMany({ select: { id: true, lastName: true } })) patients.set(p.lastName, p.id);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) {
      users.set(u.email, u.id);
      callers.set(u.email, await callerFor(db, u.email));
    }
  });
  afterAll(async () => db?.destroy());

  test("booking into free time; outside hours, in a break or over another appointment is refused with the reason", async () => {
    const first = await call(BOOK, "manager@northwind.test", booking("Lovelace", "dr.lee@northwind.test", "09:00"));
    expect(first.ok).toBe(true);
    expect(await call(BOOK, "manager@northwind.test", booking("Hopper", "dr.lee@northwind.test", "09:15"))).toMatchObject({
      ok: false,
      code: "conflict",
      message: expect.stringMatching(/^Dr\. Daniel Lee already has an appointment at 9:00 AM–9:30 AM on .*Choose a free slot\.$/),
    });
    expect(await call(BOOK, "manager@northwind.test", booking("Hopper", "dr.lee@northwind.test", "08:00"))).toMatchObject({ code: "conflict", message: expect.stringContaining("outside Dr. Daniel Lee's hours on Monday (9:00 AM–5:00 PM)") });
    expect(await call(BOOK, "manager@northwind.test", booking("Hopper", "dr.lee@northwind.test", "11:45"))).toMatchObject({ code: "conflict", message: expect.stringContaining("overlaps Dr. Daniel Lee's break (12:00 PM–1:00 PM)") });
    // Back to back is fine.
    expect((await call(BOOK, "manager@northwind.test", booking("Hopper", "dr.lee@northwind.test", "09:30"))).ok).toBe(true);
    // Dr. Lee works at Northgate on Thursdays, not Downtown.
    expect(await call(BOOK, "manager@northwind.test", booking("Hopper", "dr.lee@northwind.test", "10:00", { date: addDays(monday, 3) }))).toMatchObject({ code: "conflict", message: "Dr. Daniel Lee doesn't see patients here on Thursdays." });
    const slots = await freeSlots(db.prisma, locationOf(await new SubjectLoader(db.prisma).load(users.get("manager@northwind.test")!), nodes.get("Seattle Downtown")!), users.get("dr.lee@northwind.test")!, monday);
    expect(slots.slice(0, 3)).toEqual(["10:00", "10:30", "11:00"]);
    expect(slots).not.toContain("12:00");
  });

  test("a day off refuses bookings; it can't be added over booked appointments", async () => {
    const tuesday = addDays(monday, 1);
    expect((await call(BOOK, "manager@northwind.test", booking("Turing", "dr.lee@northwind.test", "14:00", { date: tuesday }))).ok).toBe(true);
    expect(await call(addDayOffAction, "manager@northwind.test", { nodeId: nodes.get("Seattle Downtown"), providerId: users.get("dr.lee@northwind.test"), day: tuesday })).toMatchObject({ code: "conflict", message: expect.stringContaining("reschedule or cancel it first") });
    const wednesday = addDays(monday, 2);
    expect((await call(addDayOffAction, "dr.lee@northwind.test", { nodeId: nodes.get("Seattle Downtown"), providerId: users.get("dr.lee@northwind.test"), day: wednesday, reason: "Training" })).ok).toBe(true);
    expect(await call(BOOK, "manager@northwind.test", booking("Turing", "dr.lee@northwind.test", "10:00", { date: wednesday }))).toMatchObject({ code: "conflict", message: expect.stringContaining("is off on") });
    // A provider changes only their own days off.
    expect(await call(addDayOffAction, "dr.lee@northwind.test", { nodeId: nodes.get("Seattle Downtown"), providerId: users.get("dr.patel@northwind.test"), day: wednesday })).toMatchObject({ code: "forbidden" });
  });

  test("concurrent bookings of one slot: exactly one succeeds, the others are refused, one row stored", async () => {
    const names = ["Johnson", "Liskov", "Dijkstra", "Hamilton", "Johnson", "Liskov"];
    const results = await Promise.all(names.map((n) => call(BOOK, "manager@northwind.test", booking(n, "dr.patel@northwind.test", "15:00", { date: addDays(monday, 4) }))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(names.length - 1);
    for (const r of refused) expect(r).toMatchObject({ code: "conflict", message: expect.stringContaining("already has an appointment at 3:00 PM–3:30 PM") });
    const stored = await db.prisma.appointment.count({ where: { providerId: users.get("dr.patel@northwind.test"), status: "scheduled", startsAt: { gte: new Date(`${addDays(monday, 4)}T00:00:00Z`), lt: new Date(`${addDays(monday, 6)}T00:00:00Z`) } } });
    expect(stored).toBe(1);
  });

  test("who may book: providers for their own patients only; strangers 404; broken input 400", async () => {
    expect((await call(BOOK, "dr.lee@northwind.test", booking("Turing", "dr.lee@northwind.test", "15:00"))).ok).toBe(true);
    expect(await call(BOOK, "dr.lee@northwind.test", booking("Johnson", "dr.patel@northwind.test", "16:00"))).toMatchObject({ code: "forbidden" });
    expect(await call(BOOK, "billing@northwind.test", booking("Johnson", "dr.patel@northwind.test", "16:00"))).toMatchObject({ code: "forbidden" });
    expect(await call(BOOK, "owner@lakeside.test", booking("Johnson", "dr.patel@northwind.test", "16:00"))).toMatchObject({ code: "not_found" });
    expect(await call(BOOK, "frontdesk@northwind.test", booking("Johnson", "dr.patel@northwind.test", "16:00"))).toMatchObject({ code: "not_found" });
    const bad = await call(BOOK, "manager@northwind.test", booking("Johnson", "dr.patel@northwind.test", "25:00", { date: "2026-02-30", minutes: 5, extra: 1 }));
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    expect(!bad.ok && Object.keys(bad.fields!).sort()).toEqual(["date", "extra", "minutes", "time"]);
    expect(await call(BOOK, "manager@northwind.test", booking("Johnson", "dr.patel@northwind.test", "10:00", { date: "2020-01-06" }))).toMatchObject({ code: "invalid", fields: { time: ["Choose a time in the future."] } });
    // Someone who isn't a provider here, or has no hours here: refused, naming why.
    expect(await call(BOOK, "manager@northwind.test", booking("Johnson", "billing@northwind.test", "10:00"))).toMatchObject({ code: "invalid", fields: { providerId: ["That person isn't a provider at this location."] } });
    expect(await call(BOOK, "manager@northwind.test", booking("Johnson", "manager@northwind.test", "10:00"))).toMatchObject({ code: "conflict", message: "Maya Manager doesn't see patients here on Mondays." });
  });

  test("check-in, complete, cancel, reschedule: by permission and status, audited", async () => {
    const made = await call(BOOK, "manager@northwind.test", booking("Johnson", "dr.patel@northwind.test", "10:00"));
    const id = made.ok ? (made.data.id as string) : "";
    expect(await call(STATUS, "dr.patel@northwind.test", { appointmentId: id, change: "check_in" })).toMatchObject({ code: "forbidden" });
    expect(await call(STATUS, "dr.lee@northwind.test", { appointmentId: id, change: "check_in" })).toMatchObject({ code: "not_found" });
    expect(await call(STATUS, "manager@northwind.test", { appointmentId: id, change: "check_in" })).toMatchObject({ ok: true, data: { status: "checked_in" } });
    expect(await call(STATUS, "manager@northwind.test", { appointmentId: id, change: "check_in" })).toMatchObject({ code: "conflict", message: "This appointment is already checked in." });
    expect(await call(RESCHEDULE, "manager@northwind.test", { appointmentId: id, date: monday, time: "11:00" })).toMatchObject({ code: "conflict" });
    expect(await call(STATUS, "dr.patel@northwind.test", { appointmentId: id, change: "complete" })).toMatchObject({ ok: true, data: { status: "completed" } });
    expect(await call(STATUS, "manager@northwind.test", { appointmentId: id, change: "cancel" })).toMatchObject({ code: "conflict", message: "This appointment is already completed." });
    expect((await db.prisma.auditEvent.findFirst({ where: { action: "appointment.completed", targetId: id } }))?.actorId).toBe(users.get("dr.patel@northwind.test"));

    const second = await call(BOOK, "manager@northwind.test", booking("Liskov", "dr.patel@northwind.test", "11:00"));
    const id2 = second.ok ? (second.data.id as string) : "";
    expect(await call(RESCHEDULE, "manager@northwind.test", { appointmentId: id2, date: monday, time: "13:30" })).toMatchObject({ code: "conflict", message: expect.stringContaining("break") });
    expect(await call(RESCHEDULE, "manager@northwind.test", { appointmentId: id2, date: monday, time: "16:30" })).toMatchObject({ ok: true });
    expect(await call(STATUS, "manager@northwind.test", { appointmentId: id2, change: "cancel" })).toMatchObject({ ok: true, data: { status: "cancelled" } });
    // A cancelled appointment frees its slot.
    expect((await call(BOOK, "manager@northwind.test", booking("Dijkstra", "dr.patel@northwind.test", "16:30"))).ok).toBe(true);
  });

  test("the calendar: a provider sees their own appointments; the manager every provider's at the location", async () => {
    const loader = new SubjectLoader(db.prisma);
    const lee = await loader.load(users.get("dr.lee@northwind.test")!);
    const manager = await loader.load(users.get("manager@northwind.test")!);
    const week = { nodeId: nodes.get("Seattle Practice")!, from: monday, days: 7, timeZone: "America/Los_Angeles" };
    const leeSees = await listAppointments(db.prisma, lee, week);
    expect(new Set(leeSees.map((a) => a.provider.name))).toEqual(new Set(["Dr. Daniel Lee"]));
    const managerSees = await listAppointments(db.prisma, manager, week);
    expect(new Set(managerSees.map((a) => a.provider.name))).toEqual(new Set(["Dr. Daniel Lee", "Dr. Priya Patel"]));
    expect(managerSees.every((a) => a.patient.name)).toBe(true);
    const onlyPatel = await listAppointments(db.prisma, manager, { ...week, providerId: users.get("dr.patel@northwind.test") });
    expect(onlyPatel.every((a) => a.provider.name === "Dr. Priya Patel")).toBe(true);
    expect(await call(saveHoursAction, "dr.lee@northwind.test", { nodeId: nodes.get("Seattle Downtown"), providerId: users.get("dr.lee@northwind.test"), entries: [{ weekday: 1, kind: "work", start: "10:00", end: "09:00" }] })).toMatchObject({ code: "invalid", fields: { "entries.0.end": ["The end must be after the start."] } });
  });
});
