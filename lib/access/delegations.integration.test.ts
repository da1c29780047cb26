/**
 * Delegation (issue 11) through the real server actions and routes (runAs), on PGlite and, with
 * TEST_DATABASE_URL, PostgreSQL, with a controllable clock (fake Date):
 * the delegate never exceeds the delegator (only the subset, only at the place, only while the
 * delegator holds it); the delegator losing a permission (role changed, or their role expiring) is
 * refused on the delegate's next decision; a delegation ends by its date and early; one can't
 * delegate what one doesn't hold (403 with the reason), nor to oneself (400); strangers get 404;
 * actions through delegated rights are audited on behalf of the delegator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as accessActions from "./actions";
import * as usersActions from "../members/actions";
import * as invoicesRoute from "../../app/api/billing/[nodeId]/invoices/route";
import * as patientRoute from "../../app/api/patients/[patientId]/route";
import { decide, explain, type Permission } from "../authz";
import { builtinRoleId } from "../authz/roles";
import { sharedLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

const T0 = Date.parse("2026-12-14T16:00:00.000Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(TEST_DATABASES)("delegation ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  const as = (email: string) => callerFor(db, email);
  const at = (ms: number) => vi.setSystemTime(ms);
  const delegateTo = async (from: string, to: string, permissions: string[], hours: [number, number], place = "Seattle Practice") =>
    callEntry(accessActions.delegate, { nodeId: nodes.get(place), delegateId: ids.get(to), permissions, startsAt: iso(T0 + hours[0] * HOUR), endsAt: iso(T0 + hours[1] * HOUR), reason: "Away at a conference" }, await as(from));
  const can = async (email: string, permission: Permission, place: string) => decide(await sharedLoader(db.prisma).load(ids.get(email)!), permission, { nodeId: nodes.get(place)! });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  test("can't delegate what you don't hold (403 with the reason), nor to yourself (400), nor bad input (400); nothing stored", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const notHeld = await delegateTo("manager@northwind.test", "dr.lee@northwind.test", ["invoices.read", "members.manage_roles"], [0, 8]);
    expect(notHeld).toMatchObject({ ok: false, code: "forbidden" });
    expect(notHeld.ok === false && notHeld.fields?.permissions?.[0]).toContain("you don't hold members.manage_roles");
    expect(await delegateTo("manager@northwind.test", "manager@northwind.test", ["invoices.read"], [0, 8])).toMatchObject({ ok: false, code: "invalid", fields: { delegateId: ["You can't delegate to yourself."] } });
    const backwards = await delegateTo("manager@northwind.test", "dr.lee@northwind.test", ["invoices.read"], [8, 1]);
    expect(backwards).toMatchObject({ ok: false, code: "invalid", fields: { endsAt: ["The end must be after the start."] } });
    const none = await delegateTo("manager@northwind.test", "dr.lee@northwind.test", [], [0, 8]);
    expect(none).toMatchObject({ ok: false, code: "invalid", fields: { permissions: ["Choose at least one permission to delegate."] } });
    const unknown = await delegateTo("manager@northwind.test", "dr.lee@northwind.test", ["invoices.fly"], [0, 8]);
    expect(unknown).toMatchObject({ ok: false, code: "invalid" });
    expect(await db.prisma.delegation.count()).toBe(0);
  });

  test("strangers: another tenant's owner, a delegate outside the tenant, ending someone else's delegation: 404", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    expect(await delegateTo("owner@lakeside.test", "dr.lee@northwind.test", ["patients.read"], [0, 8])).toMatchObject({ ok: false, code: "not_found" });
    expect(await delegateTo("manager@northwind.test", "therapist@lakeside.test", ["invoices.read"], [0, 8])).toMatchObject({ ok: false, code: "not_found" });
    expect(await db.prisma.delegation.count()).toBe(0);
    const made = await delegateTo("manager@northwind.test", "dr.lee@northwind.test", ["invoices.read"], [0, 1]);
    expect(made.ok).toBe(true);
    expect(await callEntry(accessActions.endDelegationEarly, { delegationId: made.data.id }, await as("owner@lakeside.test"))).toMatchObject({ ok: false, code: "not_found" });
    // A colleague who is neither party nor able to see people's access there: as if it didn't exist.
    expect(await callEntry(accessActions.endDelegationEarly, { delegationId: made.data.id }, await as("dr.patel@northwind.test"))).toMatchObject({ ok: false, code: "not_found" });
    // One who sees people there (members.read) but can't change roles: 403.
    expect(await callEntry(accessActions.endDelegationEarly, { delegationId: made.data.id }, await as("psm@careaccess.test"))).toMatchObject({ ok: false, code: "forbidden" });
    expect((await db.prisma.delegation.findUniqueOrThrow({ where: { id: made.data.id } })).endedAt).toBeNull();
    // The delegate may hand it back: refused on the next decision; a second end is a conflict.
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(true);
    expect(await callEntry(accessActions.endDelegationEarly, { delegationId: made.data.id }, await as("dr.lee@northwind.test"))).toMatchObject({ ok: true });
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(false);
    expect(await callEntry(accessActions.endDelegationEarly, { delegationId: made.data.id }, await as("manager@northwind.test"))).toMatchObject({ ok: false, code: "conflict" });
  });

  test("never more than the delegator: only the subset, only at the place and below, only during the period; ended by its date", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const made = await delegateTo("manager@northwind.test", "dr.lee@northwind.test", ["invoices.read", "refunds.approve"], [1, 9]);
    expect(made).toMatchObject({ ok: true });
    const mail = await db.prisma.emailOutbox.findFirst({ where: { to: "dr.lee@northwind.test", subject: { contains: "delegated access" } } });
    expect(mail?.text).toContain("Reason: Away at a conference");
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(false); // not started
    at(T0 + HOUR);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(true);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Practice")).toBe(true);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Portland Practice")).toBe(false); // outside the place
    expect(await can("dr.lee@northwind.test", "charges.read", "Seattle Practice")).toBe(false); // not delegated
    // The delegator's own condition travels with it: refunds under $200 only.
    const subject = await sharedLoader(db.prisma).load(ids.get("dr.lee@northwind.test")!);
    expect(decide(subject, "refunds.approve", { nodeId: nodes.get("Seattle Practice")!, amount: 150 })).toBe(true);
    expect(decide(subject, "refunds.approve", { nodeId: nodes.get("Seattle Practice")!, amount: 250 })).toBe(false);
    expect(explain(subject, "invoices.read", { nodeId: nodes.get("Seattle Practice")! }).reason).toContain("Delegated by");
    // Ends by its date: allowed 1 ms before, refused at the end.
    at(T0 + 9 * HOUR - 1);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(true);
    at(T0 + 9 * HOUR);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(false);
  });

  test("the delegator loses a permission → the delegate is refused on the next decision (role changed; role expired)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0 + 10 * HOUR);
    const made = await delegateTo("manager@northwind.test", "dr.lee@northwind.test", ["invoices.read", "patients.read_contact", "patients.read"], [10, 20]);
    expect(made).toMatchObject({ ok: true });
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(true);
    expect(await callEntry(invoicesRoute.GET, { nodeId: nodes.get("Seattle Downtown") }, await as("dr.lee@northwind.test"))).toMatchObject({ ok: true });

    // Audited on behalf of the delegator: dr.lee reads a patient who isn't theirs, through the delegation.
    const lee = ids.get("dr.lee@northwind.test")!;
    const seattle = await db.prisma.orgNode.findMany({ where: { ancestorLinks: { some: { ancestorId: nodes.get("Seattle Practice")! } } }, select: { id: true } });
    const patient = await db.prisma.patient.findFirstOrThrow({ where: { nodeId: { in: seattle.map((n) => n.id) }, OR: [{ primaryProviderId: null }, { primaryProviderId: { not: lee } }], assignments: { none: { userId: lee } } } });
    const read = await callEntry(patientRoute.GET, { patientId: patient.id }, await as("dr.lee@northwind.test"));
    expect(read.ok).toBe(true);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "patient.read", targetId: patient.id, actorId: lee }, orderBy: { id: "desc" } });
    expect(audit.onBehalfOf).toBe(ids.get("manager@northwind.test"));

    // The owner makes the manager Front Desk at Seattle Practice: no invoices.read any more.
    const changed = await callEntry(
      usersActions.changeRoles,
      { nodeId: nodes.get("Seattle Practice"), userId: ids.get("manager@northwind.test"), assignments: [{ nodeId: nodes.get("Seattle Practice"), roleId: builtinRoleId("front_desk") }] },
      await as("owner@northwind.test"),
    );
    expect(changed.ok).toBe(true);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(false);
    const why = explain(await sharedLoader(db.prisma).load(lee), "invoices.read", { nodeId: nodes.get("Seattle Downtown")! });
    expect(why.reason).toContain("can't do it now");
    // Through the wrapper too: the invoices route refuses (a member of the place without the right: 403).
    expect(await callEntry(invoicesRoute.GET, { nodeId: nodes.get("Seattle Downtown") }, await as("dr.lee@northwind.test"))).toMatchObject({ ok: false, code: "forbidden" });

    // Manager again, but with an end date: the delegate's right lapses with it, with no change to any row.
    const back = await callEntry(
      usersActions.changeRoles,
      { nodeId: nodes.get("Seattle Practice"), userId: ids.get("manager@northwind.test"), assignments: [{ nodeId: nodes.get("Seattle Practice"), roleId: builtinRoleId("manager"), expiresAt: iso(T0 + 12 * HOUR) }] },
      await as("owner@northwind.test"),
    );
    expect(back.ok).toBe(true);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(true);
    at(T0 + 12 * HOUR - 1);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(true);
    at(T0 + 12 * HOUR + 1000);
    expect(await can("dr.lee@northwind.test", "invoices.read", "Seattle Downtown")).toBe(false);
  });
});
