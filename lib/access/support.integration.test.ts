/**
 * Platform support access (issue 11) through the real actions and routes (runAs), on PGlite and,
 * with TEST_DATABASE_URL, PostgreSQL, with a controllable clock: support staff enter a tenant only
 * through a live, time-boxed grant from its owner (read-only by default: no patient data); without
 * one its places and API answer 404 and the switcher doesn't list it; the grant ends early or by its
 * date; only owners grant (403 for a tenant-wide non-owner, 404 for another tenant, 400 for a non-staff person);
 * audited. Consultant is assignable from Users like any role.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as accessActions from "./actions";
import * as usersActions from "../members/actions";
import * as invoicesRoute from "../../app/api/billing/[nodeId]/invoices/route";
import { decide } from "../authz";
import { builtinRoleId } from "../authz/roles";
import { sharedLoader } from "../authz/load";
import { enterableNodes } from "../context/enterable";
import { assignableRoles } from "../members/admin";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

const T0 = Date.parse("2026-12-14T16:00:00.000Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(TEST_DATABASES)("platform support access ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  const as = (email: string) => callerFor(db, email);
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  const staffSubject = () => sharedLoader(db.prisma).load(ids.get("psm@careaccess.test")!, { isPlatformStaff: true });
  const grant = async (email: string, tenant: string, hours: number, extra: Record<string, unknown> = {}) =>
    callEntry(accessActions.grantSupport, { tenantId: nodes.get(tenant), staffId: ids.get("psm@careaccess.test"), endsAt: iso(Date.now() + hours * HOUR), reason: "Ticket 4711: billing setup", ...extra }, await as(email));

  test("without a live grant, support staff can't enter: no switcher entry, places and API 404", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    // A permanent binding of platform staff grants nothing (the seed's is time-boxed: make it permanent).
    await db.prisma.roleBinding.updateMany({ where: { userId: ids.get("psm@careaccess.test") }, data: { expiresAt: null } });
    await db.prisma.orgNode.update({ where: { id: nodes.get("Northwind Dental Group")! }, data: { authzVersion: { increment: 1 } } });
    const s = await staffSubject();
    expect(enterableNodes(s).map((n) => n.name)).not.toContain("Northwind Dental Group");
    expect(decide(s, "members.read", { nodeId: nodes.get("Northwind Dental Group")! })).toBe(false);
    const members = await callEntry(invoicesRoute.GET, { nodeId: nodes.get("Seattle Practice") }, await as("psm@careaccess.test"));
    expect(members).toMatchObject({ ok: false, code: "not_found" });
  });

  test("only an owner grants: non-owner 403, another tenant's owner 404, a non-staff person 400, bad input 400; nothing changes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const before = await db.prisma.roleBinding.findMany({ where: { userId: ids.get("psm@careaccess.test") } });
    // A region admin doesn't reach the tenant root (404); a tenant-wide Billing role does, but isn't an owner (403).
    expect(await grant("west.admin@northwind.test", "Northwind Dental Group", 8)).toMatchObject({ ok: false, code: "not_found" });
    expect(await grant("billing@northwind.test", "Northwind Dental Group", 8)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await grant("owner@lakeside.test", "Northwind Dental Group", 8)).toMatchObject({ ok: false, code: "not_found" });
    expect(await grant("owner@northwind.test", "Northwind Dental Group", 8, { staffId: ids.get("dr.lee@northwind.test") })).toMatchObject({ ok: false, code: "invalid", fields: { staffId: ["Choose a support person from the list."] } });
    expect(await grant("owner@northwind.test", "Northwind Dental Group", -1)).toMatchObject({ ok: false, code: "invalid", fields: { endsAt: ["Choose an end in the future."] } });
    expect(await grant("owner@northwind.test", "Northwind Dental Group", 8, { reason: "x" })).toMatchObject({ ok: false, code: "invalid" });
    expect(await grant("owner@northwind.test", "Northwind Dental Group", 24 * 31)).toMatchObject({ ok: false, code: "invalid" });
    expect(await db.prisma.roleBinding.findMany({ where: { userId: ids.get("psm@careaccess.test") } })).toEqual(before);
  });

  test("owner grants read-only access for 8 hours: setup readable, no patient or billing data; ended early; granted again, it ends by its date", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const made = await grant("owner@northwind.test", "Northwind Dental Group", 8);
    expect(made).toMatchObject({ ok: true, data: { level: "read_only" } });
    let s = await staffSubject();
    expect(enterableNodes(s).map((n) => n.name)).toContain("Seattle Practice");
    expect(decide(s, "members.read", { nodeId: nodes.get("Seattle Practice")! })).toBe(true);
    expect(decide(s, "patients.read", { nodeId: nodes.get("Seattle Practice")! })).toBe(false);
    expect(decide(s, "members.manage_roles", { nodeId: nodes.get("Seattle Practice")! })).toBe(false);
    expect(await callEntry(invoicesRoute.GET, { nodeId: nodes.get("Seattle Practice") }, await as("psm@careaccess.test"))).toMatchObject({ ok: false });
    const audit = await db.prisma.auditEvent.findFirst({ where: { action: "support_access.granted", targetId: ids.get("psm@careaccess.test") } });
    expect(audit).toMatchObject({ actorId: ids.get("owner@northwind.test"), details: { level: "read_only", reason: "Ticket 4711: billing setup" } });
    const list = await callEntry(accessActions.endSupport, { tenantId: nodes.get("Northwind Dental Group"), staffId: ids.get("psm@careaccess.test") }, await as("billing@northwind.test"));
    expect(list).toMatchObject({ ok: false, code: "forbidden" });

    // Ended early by the owner: refused on the next request.
    vi.setSystemTime(T0 + HOUR);
    expect(await callEntry(accessActions.endSupport, { tenantId: nodes.get("Northwind Dental Group"), staffId: ids.get("psm@careaccess.test") }, await as("owner@northwind.test"))).toMatchObject({ ok: true });
    s = await staffSubject();
    expect(decide(s, "members.read", { nodeId: nodes.get("Seattle Practice")! })).toBe(false);
    expect(enterableNodes(s).map((n) => n.name)).not.toContain("Seattle Practice");
    expect(await db.prisma.auditEvent.count({ where: { action: "support_access.ended" } })).toBe(1);
    expect(await callEntry(accessActions.endSupport, { tenantId: nodes.get("Northwind Dental Group"), staffId: ids.get("psm@careaccess.test") }, await as("owner@northwind.test"))).toMatchObject({ ok: false, code: "conflict" });

    // Granted again for 2 hours: allowed 1 s before its end, refused 1 s after.
    expect(await grant("owner@northwind.test", "Northwind Dental Group", 2)).toMatchObject({ ok: true });
    vi.setSystemTime(T0 + 3 * HOUR - 1000);
    expect(decide(await staffSubject(), "members.read", { nodeId: nodes.get("Seattle Practice")! })).toBe(true);
    vi.setSystemTime(T0 + 3 * HOUR + 1000);
    expect(decide(await staffSubject(), "members.read", { nodeId: nodes.get("Seattle Practice")! })).toBe(false);
  });

  test("Consultant is assignable from Users like any role", async () => {
    const tenant = nodes.get("Northwind Dental Group")!;
    const roles = await db.prisma.$transaction((tx) => assignableRoles(tx, tenant));
    expect(roles.map((r) => r.id)).toContain(builtinRoleId("consultant"));
    const changed = await callEntry(usersActions.changeRoles, { nodeId: nodes.get("Boston Practice"), userId: ids.get("frontdesk@northwind.test"), assignments: [{ nodeId: nodes.get("Boston Practice"), roleId: builtinRoleId("consultant") }] }, await as("owner@northwind.test"));
    expect(changed.ok).toBe(true);
    const s = await sharedLoader(db.prisma).load(ids.get("frontdesk@northwind.test")!);
    expect(decide(s, "appointments.read", { nodeId: nodes.get("Boston Practice")! })).toBe(true);
    expect(decide(s, "patients.read", { nodeId: nodes.get("Boston Practice")! })).toBe(false);
  });
});
