/**
 * Provider performance and the booking form's free times (issue 10), through the real route and
 * action specs on PGlite and, with TEST_DATABASE_URL, PostgreSQL, on the demo data: a Provider gets
 * only their own row (not the row of a colleague whose patient is shared with them), a Manager their
 * places' providers, an Owner everyone; the figures equal the database's own counts; strangers 404,
 * roles without the permission 403, a bad period 400 with the field named.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as PERFORMANCE } from "@/app/api/performance/[nodeId]/route";
import type { Caller } from "../api/handler";
import { addDays, localDate, weekdayOf, zonedToUtc } from "../care/time";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import { freeSlotsAction, removeDayOffAction } from "./actions";

const TZ = "America/Los_Angeles";

describe.each(TEST_DATABASES)("provider performance ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const users = new Map<string, string>();
  const callers = new Map<string, Caller>();
  const today = localDate(new Date(), TZ);
  const period = { from: addDays(today, -20), to: addDays(today, 14) };
  const as = (email: string, place: string, extra: Record<string, unknown> = period) => callEntry(PERFORMANCE, { nodeId: nodes.get(place) ?? place, ...extra }, callers.get(email)!);
  const names = (r: Awaited<ReturnType<typeof as>>) => (r.ok ? (r.data.rows as { name: string }[]).map((x) => x.name) : r.code);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) {
      users.set(u.email, u.id);
      callers.set(u.email, await callerFor(db, u.email));
    }
  });
  afterAll(async () => db?.destroy());

  test("an Owner sees every provider; a Manager their practice's; a Provider only their own row", async () => {
    expect(names(await as("owner@northwind.test", "Northwind Dental Group"))).toEqual(["Dr. Daniel Lee", "Dr. Priya Patel", "Dr. Sam Okafor"]);
    expect(names(await as("owner@northwind.test", "Boston Practice"))).toEqual(["Dr. Sam Okafor"]);
    expect(names(await as("manager@northwind.test", "Seattle Practice"))).toEqual(["Dr. Daniel Lee", "Dr. Priya Patel"]);
    // At Portland the Manager is Front Desk: no performance there.
    expect(await as("manager@northwind.test", "Portland Practice")).toMatchObject({ ok: false, code: "forbidden" });
    // Dr. Patel reads Dr. Lee's appointments with the patient Lee shares with her, but never Lee's row.
    const shared = await db.prisma.appointment.count({ where: { providerId: users.get("dr.lee@northwind.test"), patient: { assignments: { some: { userId: users.get("dr.patel@northwind.test") } } } } });
    expect(shared).toBeGreaterThan(0);
    expect(names(await as("dr.patel@northwind.test", "Seattle Practice"))).toEqual(["Dr. Priya Patel"]);
    expect(names(await as("dr.lee@northwind.test", "Seattle Downtown"))).toEqual(["Dr. Daniel Lee"]);
  });

  test("the figures are the database's: counts per status, average rating, revenue of the provider's patients", async () => {
    const res = await as("owner@northwind.test", "Seattle Practice");
    expect(res.ok).toBe(true);
    const lee = (res.ok ? res.data.rows : []).find((r: { name: string }) => r.name === "Dr. Daniel Lee");
    const id = users.get("dr.lee@northwind.test")!;
    const inPeriod = { providerId: id, startsAt: { gte: zonedToUtc(period.from, "00:00", TZ), lt: zonedToUtc(addDays(period.to, 1), "00:00", TZ) } };
    const count = (status?: string) => db.prisma.appointment.count({ where: { ...inPeriod, ...(status ? { status } : {}) } });
    const ratings = await db.prisma.appointment.aggregate({ where: { ...inPeriod, rating: { not: null } }, _avg: { rating: true }, _count: { rating: true } });
    const charged = await db.prisma.billingCharge.aggregate({
      where: { patientId: { in: (await db.prisma.patient.findMany({ where: { primaryProviderId: id }, select: { id: true } })).map((p) => p.id) }, serviceDate: { gte: new Date(`${period.from}T00:00:00Z`), lte: new Date(`${period.to}T00:00:00Z`) } },
      _sum: { amountCents: true },
    });
    expect(lee).toMatchObject({ booked: await count(), completed: await count("completed"), noShow: await count("no_show"), open: await count("scheduled"), ratings: ratings._count.rating, revenueCents: charged._sum.amountCents ?? 0 });
    expect(lee.completed).toBeGreaterThan(0);
    expect(lee.noShow).toBeGreaterThan(0);
    expect(lee.rating).toBeCloseTo(ratings._avg.rating!, 1);
    expect(lee.revenueCents).toBeGreaterThan(0);
    // Every completed appointment has a rating; nothing else has one.
    expect(await db.prisma.appointment.count({ where: { status: "completed", rating: null } })).toBe(0);
    expect(await db.prisma.appointment.count({ where: { status: { not: "completed" }, rating: { not: null } } })).toBe(0);
  });

  test("attackers: a stranger tenant 404, Front Desk and Billing 403, a place they aren't in 404", async () => {
    expect(await as("owner@lakeside.test", "Seattle Practice")).toMatchObject({ ok: false, code: "not_found" });
    expect(await as("frontdesk@northwind.test", "Boston Practice")).toMatchObject({ ok: false, code: "forbidden" });
    expect(await as("billing@northwind.test", "Northwind Dental Group")).toMatchObject({ ok: false, code: "forbidden" });
    expect(await as("inventory@northwind.test", "Seattle Practice")).toMatchObject({ ok: false, code: "forbidden" });
    expect(await as("manager@northwind.test", "Boston Practice")).toMatchObject({ ok: false, code: "not_found" });
    expect(await as("dr.patel@northwind.test", "Northwind Dental Group")).toMatchObject({ ok: false, code: "not_found" });
    expect(await as("owner@northwind.test", "00000000-0000-4000-8000-000000000000")).toMatchObject({ ok: false, code: "not_found" });
  });

  test("a bad period is 400 with the field named", async () => {
    expect(await as("owner@northwind.test", "Seattle Practice", { from: "2026-13-01", to: today })).toMatchObject({ ok: false, code: "invalid", fields: { from: ["Give the start as YYYY-MM-DD."] } });
    expect(await as("owner@northwind.test", "Seattle Practice", { from: today, to: addDays(today, -1) })).toMatchObject({ ok: false, code: "invalid", fields: { to: ["The end must be on or after the start."] } });
    expect(await as("owner@northwind.test", "Seattle Practice", { from: "2024-01-01", to: "2025-06-01" })).toMatchObject({ ok: false, code: "invalid", fields: { to: ["Choose at most 366 days."] } });
    expect(await as("owner@northwind.test", "Seattle Practice", { from: today })).toMatchObject({ ok: false, code: "invalid", fields: { to: expect.any(Array) } });
  });

  test("the booking form's free times: only working time, not taken, not past; 403/404 for others", async () => {
    let monday = addDays(today, 28);
    while (weekdayOf(monday) !== 1) monday = addDays(monday, 1);
    const boston = nodes.get("Boston Back Bay")!;
    const okafor = users.get("dr.okafor@northwind.test")!;
    const slots = await callEntry(freeSlotsAction, { nodeId: boston, providerId: okafor, date: monday, minutes: 30 }, callers.get("frontdesk@northwind.test")!);
    expect(slots.ok).toBe(true);
    const times: string[] = slots.ok ? slots.data.slots : [];
    expect(times[0]).toBe("09:00");
    expect(times.at(-1)).toBe("16:30");
    expect(times).not.toContain("12:00"); // lunch
    expect(times).not.toContain("11:45"); // would run into lunch
    expect(await callEntry(freeSlotsAction, { nodeId: boston, providerId: okafor, date: monday }, callers.get("billing@northwind.test")!)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await callEntry(freeSlotsAction, { nodeId: boston, providerId: okafor, date: monday }, callers.get("owner@lakeside.test")!)).toMatchObject({ ok: false, code: "not_found" });
    expect(await callEntry(freeSlotsAction, { nodeId: boston, providerId: okafor, date: "someday" }, callers.get("frontdesk@northwind.test")!)).toMatchObject({ ok: false, code: "invalid", fields: { date: ["Choose the day."] } });
  });

  test("removing a day off: the provider's own, audited; another provider's is 403 and stays", async () => {
    const patel = users.get("dr.patel@northwind.test")!;
    const off = await db.prisma.providerDayOff.findFirstOrThrow({ where: { providerId: patel } });
    const input = { nodeId: off.nodeId, providerId: patel, day: off.day.toISOString().slice(0, 10) };
    expect(await callEntry(removeDayOffAction, input, callers.get("dr.lee@northwind.test")!)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await callEntry(removeDayOffAction, input, callers.get("frontdesk@northwind.test")!)).toMatchObject({ ok: false, code: "not_found" });
    expect(await db.prisma.providerDayOff.count({ where: { id: off.id } })).toBe(1);
    expect(await callEntry(removeDayOffAction, input, callers.get("dr.patel@northwind.test")!)).toMatchObject({ ok: true });
    expect(await db.prisma.providerDayOff.count({ where: { id: off.id } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { action: "provider_day_off.removed", targetId: patel } })).toBe(1);
    expect(await callEntry(removeDayOffAction, input, callers.get("dr.patel@northwind.test")!)).toMatchObject({ ok: false, code: "not_found" });
  });
});
