/**
 * Contractor accounts (issue 11) on PGlite and, with TEST_DATABASE_URL, PostgreSQL, with a
 * controllable clock: marking a person a contractor until a day ends every binding of theirs in the
 * tenant then (rows and policy), even a role given afterwards; refused one second after; the
 * attacker table (another tenant 404, no right 403, bad input 400, an Owner 409), nothing changed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as accessActions from "./actions";
import { builtinRoleId, decide } from "../authz";
import { bumpAuthzVersion, sharedLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

const DAY = 86_400_000;

describe.each(TEST_DATABASES)("contractor accounts ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  const at = (ms: number) => vi.setSystemTime(ms);
  const mark = async (email: string, input: Record<string, unknown>) => callEntry(accessActions.setContractorAction, input, await callerFor(db, email));
  const canAt = async (email: string, permission: Parameters<typeof decide>[1], place: string) => decide(await sharedLoader(db.prisma).load(ids.get(email)!), permission, { nodeId: nodes.get(place)! });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  test("every binding in the tenant ends on the contract's end, a later one too; refused one second after", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const T0 = Date.now();
    at(T0);
    const root = nodes.get("Northwind Dental Group")!;
    const manager = ids.get("manager@northwind.test")!; // Manager at Seattle Practice, Front Desk at Portland Practice
    const end = new Date(T0 + 10 * DAY);
    const input = { tenantId: root, userId: manager, endsAt: end.toISOString() };

    // The attacker table first: nothing may change.
    expect(await mark("owner@lakeside.test", input)).toMatchObject({ ok: false, code: "not_found" });
    expect(await mark("billing@northwind.test", input)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await mark("west.admin@northwind.test", input)).toMatchObject({ ok: false, code: "not_found" }); // no role at the root
    expect(await mark("owner@northwind.test", { ...input, endsAt: "next week" })).toMatchObject({ ok: false, code: "invalid", fields: { endsAt: ["Choose the contract's last day."] } });
    expect(await mark("owner@northwind.test", { ...input, endsAt: new Date(T0 - DAY).toISOString() })).toMatchObject({ ok: false, code: "invalid", fields: { endsAt: ["The contract's end has already passed."] } });
    expect(await mark("owner@northwind.test", { ...input, userId: ids.get("owner@northwind.test") })).toMatchObject({ ok: false });
    expect(await db.prisma.contractor.count()).toBe(0);
    expect(await db.prisma.roleBinding.count({ where: { userId: manager, expiresAt: { not: null } } })).toBe(0);

    expect(await mark("owner@northwind.test", input)).toMatchObject({ ok: true, data: { contractor: { endsAt: end.toISOString() }, bindingsCapped: 2 } });
    const rows = await db.prisma.roleBinding.findMany({ where: { userId: manager }, select: { expiresAt: true } });
    expect(rows.map((r) => r.expiresAt?.getTime())).toEqual([end.getTime(), end.getTime()]);
    expect((await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "member.contractor_set", targetId: manager } })).details).toMatchObject({ endsAt: end.toISOString(), bindingsCapped: 2 });

    // A role given afterwards, with no end of its own, still ends with the contract (the policy caps it).
    await db.prisma.roleBinding.create({ data: { userId: manager, nodeId: nodes.get("Boston Practice")!, roleId: builtinRoleId("front_desk") } });
    await bumpAuthzVersion(db.prisma, root);

    at(end.getTime() - 1);
    expect(await canAt("manager@northwind.test", "members.read", "Seattle Practice")).toBe(true);
    expect(await canAt("manager@northwind.test", "appointments.check_in", "Boston Practice")).toBe(true);
    at(end.getTime() + 1000);
    expect(await canAt("manager@northwind.test", "members.read", "Seattle Practice")).toBe(false);
    expect(await canAt("manager@northwind.test", "appointments.check_in", "Portland Practice")).toBe(false);
    expect(await canAt("manager@northwind.test", "appointments.check_in", "Boston Practice")).toBe(false);
    // Another tenant's memberships are not this tenant's to end.
    expect(await db.prisma.contractor.count({ where: { userId: manager } })).toBe(1);
  });

  test("an Owner can't be a contractor (409); clearing it is audited", async () => {
    const root = nodes.get("Northwind Dental Group")!;
    const lee = ids.get("dr.lee@northwind.test")!;
    // owner@northwind is the only Owner: another owner would be needed to act on them; use a second owner.
    await db.prisma.roleBinding.create({ data: { userId: ids.get("billing@northwind.test")!, nodeId: nodes.get("Seattle Northgate")!, roleId: builtinRoleId("owner") } }).catch(() => null);
    await bumpAuthzVersion(db.prisma, root);
    expect(await mark("owner@northwind.test", { tenantId: root, userId: ids.get("billing@northwind.test"), endsAt: new Date(Date.now() + DAY).toISOString() })).toMatchObject({ ok: false, code: "conflict" });
    expect(await mark("owner@northwind.test", { tenantId: root, userId: lee, endsAt: new Date(Date.now() + 5 * DAY).toISOString() })).toMatchObject({ ok: true });
    expect(await mark("owner@northwind.test", { tenantId: root, userId: lee, endsAt: null })).toMatchObject({ ok: true, data: { contractor: null } });
    expect(await db.prisma.auditEvent.count({ where: { action: "member.contractor_cleared", targetId: lee } })).toBe(1);
  });
});
