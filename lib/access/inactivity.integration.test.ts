/**
 * Inactivity expiry (issue 11) on PGlite and, with TEST_DATABASE_URL, PostgreSQL, with a
 * controllable clock: off by default; with 30 days and a 7-day warning, a membership unused for 23
 * days is warned by email (once), one unused for 30 is suspended (audited, reason "inactivity") and
 * the person's next request there is refused; use through a real entry point keeps it; owners are
 * never suspended by it; the settings are Owner-only.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as accessActions from "./actions";
import * as profileRoute from "../../app/api/profiles/[id]/route";
import { runInactivityExpiry, resetTouchThrottle, touchMembership } from "./inactivity";
import { sharedLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

const DAY = 86_400_000;

describe.each(TEST_DATABASES)("inactivity expiry ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  let S = 0; // the newest binding of the seed: every membership counts from there
  const at = (ms: number) => vi.setSystemTime(ms);
  const warnings = (email: string) => db.prisma.emailOutbox.count({ where: { to: email, kind: "inactivity_warning" } });
  const suspendedIn = (email: string, tenant: string) => db.prisma.tenantSuspension.count({ where: { userId: ids.get(email), tenantId: nodes.get(tenant) } });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    S = (await db.prisma.roleBinding.aggregate({ _max: { createdAt: true } }))._max.createdAt!.getTime() + 1000;
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  test("off by default: nobody is warned or suspended, however long unused", async () => {
    expect(await runInactivityExpiry(db.prisma, new Date(S + 400 * DAY))).toEqual({ warned: 0, suspended: 0 });
    expect(await db.prisma.tenantSuspension.count()).toBe(0);
  });

  test("on at 30 days: warned at 23 days (once), suspended at 30, next request refused; use keeps it; owners kept", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    resetTouchThrottle();
    at(S);
    const root = nodes.get("Northwind Dental Group")!;
    const input = { tenantId: root, breakGlassEnabled: true, breakGlassMinutes: 60, breakGlassRoleIds: [], inactivityDays: 30, inactivityWarnDays: 7 };
    expect(await callEntry(accessActions.saveAccessSettings, { ...input, inactivityWarnDays: 30 }, await callerFor(db, "owner@northwind.test"))).toMatchObject({ ok: false, code: "invalid", fields: { inactivityWarnDays: ["The warning must come before the suspension."] } });
    expect(await callEntry(accessActions.saveAccessSettings, input, await callerFor(db, "billing@northwind.test"))).toMatchObject({ ok: false, code: "forbidden" });
    expect(await callEntry(accessActions.saveAccessSettings, input, await callerFor(db, "owner@northwind.test"))).toMatchObject({ ok: true, data: { inactivityDays: 30 } });

    at(S + 22 * DAY);
    await runInactivityExpiry(db.prisma);
    expect(await warnings("inventory@northwind.test")).toBe(0);
    // The manager uses Seattle Practice on day 22 through a real entry point.
    const seattle = nodes.get("Seattle Practice")!;
    expect(await callEntry(profileRoute.GET, { id: seattle }, await callerFor(db, "manager@northwind.test"))).toMatchObject({ ok: true });
    expect((await db.prisma.membershipActivity.findUniqueOrThrow({ where: { tenantId_userId: { tenantId: root, userId: ids.get("manager@northwind.test")! } } })).lastUsedAt.getTime()).toBe(S + 22 * DAY);

    at(S + 23 * DAY + 1000);
    await runInactivityExpiry(db.prisma);
    expect(await warnings("inventory@northwind.test")).toBe(1);
    const mail = await db.prisma.emailOutbox.findFirstOrThrow({ where: { to: "inventory@northwind.test", kind: "inactivity_warning" } });
    expect(mail.subject).toBe(`Your access to Northwind Dental Group will be suspended on ${new Date(S + 30 * DAY).toISOString().slice(0, 10)}`);
    expect(await warnings("manager@northwind.test")).toBe(0);
    expect(await warnings("owner@northwind.test")).toBe(0);
    // Another pass the same week sends no second warning; another tenant (setting off) is untouched.
    at(S + 25 * DAY);
    await runInactivityExpiry(db.prisma);
    expect(await warnings("inventory@northwind.test")).toBe(1);
    expect(await warnings("therapist@lakeside.test")).toBe(0);

    // Before day 30: still in. The clock reaches day 30: suspended, audited, refused on the next request.
    expect(await callEntry(profileRoute.GET, { id: seattle }, await callerFor(db, "inventory@northwind.test"))).toMatchObject({ ok: true });
    // (that request was use: so the suspension comes 30 days after it, not the seed)
    at(S + 25 * DAY + 30 * DAY);
    const result = await runInactivityExpiry(db.prisma);
    expect(result.suspended).toBeGreaterThan(0);
    expect(await suspendedIn("inventory@northwind.test", "Northwind Dental Group")).toBe(1);
    expect(await suspendedIn("owner@northwind.test", "Northwind Dental Group")).toBe(0);
    expect(await suspendedIn("therapist@lakeside.test", "Lakeside Physio")).toBe(0);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "member.suspended", targetId: ids.get("inventory@northwind.test") } });
    expect(audit.details).toMatchObject({ reason: "inactivity", days: 30 });
    expect(audit.actorId).toBeNull();
    expect(await callEntry(profileRoute.GET, { id: seattle }, await callerFor(db, "inventory@northwind.test"))).toMatchObject({ ok: false, code: "not_found" });
    const subject = await sharedLoader(db.prisma).load(ids.get("inventory@northwind.test")!);
    expect(subject.bindings.filter((b) => b.rootId === root)).toHaveLength(0);
    // A second pass suspends nobody twice.
    const again = await runInactivityExpiry(db.prisma);
    expect(await db.prisma.tenantSuspension.count({ where: { userId: ids.get("inventory@northwind.test") } })).toBe(1);
    expect(again.suspended).toBe(0);
  });

  test("touchMembership keeps the newest time and writes at most once an hour per process", async () => {
    resetTouchThrottle();
    const root = nodes.get("Lakeside Physio")!;
    const u = ids.get("therapist@lakeside.test")!;
    await touchMembership(db.prisma, u, root, new Date(S + DAY));
    await touchMembership(db.prisma, u, root, new Date(S + DAY + 60_000)); // throttled
    expect((await db.prisma.membershipActivity.findUniqueOrThrow({ where: { tenantId_userId: { tenantId: root, userId: u } } })).lastUsedAt.getTime()).toBe(S + DAY);
    await touchMembership(db.prisma, u, root, new Date(S + 3 * DAY));
    await touchMembership(db.prisma, u, root, new Date(S + 2 * DAY), { force: true }); // older: kept newest
    expect((await db.prisma.membershipActivity.findUniqueOrThrow({ where: { tenantId_userId: { tenantId: root, userId: u } } })).lastUsedAt.getTime()).toBe(S + 3 * DAY);
  });
});
