/**
 * A place's overview on the demo data: each card shows only when the role allows it, with the
 * rows the role may see (PGlite always; PostgreSQL too when TEST_DATABASE_URL is set).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SubjectLoader } from "../authz/load";
import { builtinRoleId } from "../authz/roles";
import { enterable } from "../context/enterable";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { recordAudit } from "../audit/audit";
import { seedDemoData } from "../../prisma/seed";
import { placeOverview } from "./overview";

describe.each(TEST_DATABASES)("place overview ($name)", (kind) => {
  let db: TestDatabase;
  const ids: Record<string, string> = {};
  const now = new Date();
  const overviewOf = async (email: string, place: string) => {
    const subject = await new SubjectLoader(db.prisma).load(ids[email]);
    const node = enterable(subject, ids[place]);
    expect(node, `${email} enters ${place}`).not.toBeNull();
    return placeOverview(db.prisma, subject, node!, now);
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids[u.email] = u.id;
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) ids[n.name] = n.id;
    // An invitee of Rob's Care (pending: grants nothing, not on the team yet), a shift for Jim
    // tomorrow, an appointment today at Seattle, a role at Seattle ending in a week, a lockout alert.
    const invitee = randomUUID();
    await db.prisma.user.create({ data: { id: invitee, email: "invitee@family.test", name: "Ivy Invitee", phone: "+1 555 0100" } });
    await db.prisma.roleBinding.create({ data: { userId: invitee, nodeId: ids["Rob's Care"], roleId: builtinRoleId("care_member"), pending: true } });
    await db.prisma.careShift.create({
      data: { profileId: ids["Rob's Care"], assigneeId: ids["jim@family.test"], startsAt: new Date(now.getTime() + 86_400_000), endsAt: new Date(now.getTime() + 90_000_000), title: "Overview check", createdById: ids["rob@family.test"] },
    });
    const patient = await db.prisma.patient.findFirstOrThrow({ where: { nodeId: { in: (await db.prisma.orgNodeClosure.findMany({ where: { ancestorId: ids["Seattle Practice"] } })).map((c) => c.descendantId) } } });
    await db.prisma.appointment.create({ data: { patientId: patient.id, nodeId: patient.nodeId, providerId: ids["dr.lee@northwind.test"], startsAt: new Date(now.getTime() + 60_000), reason: "Overview check" } });
    const temp = await db.prisma.user.create({ data: { email: "temp@northwind.test", name: "Terry Temp" } });
    await db.prisma.roleBinding.create({ data: { userId: temp.id, nodeId: ids["Seattle Practice"], roleId: builtinRoleId("front_desk"), expiresAt: new Date(now.getTime() + 7 * 86_400_000) } });
    await db.prisma.$transaction((tx) => recordAudit(tx, { tenantId: ids["Northwind Dental Group"], actorId: null, action: "auth.account_locked", targetType: "user", targetId: ids["frontdesk@northwind.test"], details: {}, ip: null }));
  });
  afterAll(async () => db?.destroy());

  test("a care Member sees the team's contacts (never an invitee) and their own next shift", async () => {
    const o = await overviewOf("jim@family.test", "Rob's Care");
    expect(o.contacts?.map((c) => c.email)).toContain("marta@family.test");
    expect(o.contacts?.map((c) => c.email)).not.toContain("invitee@family.test");
    expect(o.contacts?.every((c) => "phone" in c)).toBe(true);
    // Seeded shifts of this week may come first; tomorrow's shift is among the next ones.
    expect(o.myShifts?.map((s) => s.title)).toContain("Overview check");
    // No alerts, seats, expiring access or clinic cards for a Member.
    expect([o.alerts, o.stats.seats, o.expiring, o.appointments]).toEqual([null, null, null, null]);
  });

  test("a clinic Manager sees today's appointments and access ending soon, not the tenant's alerts", async () => {
    const o = await overviewOf("manager@northwind.test", "Seattle Practice");
    expect(o.appointments?.some((a) => a.reason === "Overview check")).toBe(true);
    expect(o.expiring?.map((e) => e.email)).toContain("temp@northwind.test");
    expect(o.alerts).toBeNull();
    expect(o.contacts).toBeNull();
  });

  test("a Provider sees only appointments on their own or shared patients", async () => {
    const o = await overviewOf("dr.patel@northwind.test", "Seattle Practice");
    expect(o.appointments?.some((a) => a.reason === "Overview check")).toBe(false);
    expect(o.expiring).toBeNull();
  });

  test("an Owner sees security alerts and seats", async () => {
    const o = await overviewOf("owner@northwind.test", "Northwind Dental Group");
    expect(o.alerts?.map((a) => a.action)).toContain("auth.account_locked");
    expect(o.stats.seats).toBeGreaterThan(5);
  });

  test("a region Admin doesn't see the whole tenant's alerts", async () => {
    const o = await overviewOf("west.admin@northwind.test", "West Region");
    expect(o.alerts).toBeNull();
  });
});
