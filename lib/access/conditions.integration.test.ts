/**
 * Conditions in the role editor (issue 11) through the real Settings > Roles and Users actions
 * (runAs), on PGlite and, with TEST_DATABASE_URL, PostgreSQL, with a controllable clock: an owner
 * saves a role whose grant holds only Mon–Fri 08:00–18:00 in the place's time zone (Seattle:
 * America/Los_Angeles) and refunds under $200; its holder is allowed inside the window and refused
 * outside it, explain() names the window with the local time now; the edit preview names the
 * people affected; broken conditions answer 400 and nothing is stored.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as rolesActions from "../roles/actions";
import * as usersActions from "../members/actions";
import { decide, explain } from "../authz";
import { builtinRoleId, TEMPLATES_BY_ID } from "../authz/roles";
import { sharedLoader } from "../authz/load";
import { affectedPeople } from "../roles/custom";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

const WINDOW = { days: [1, 2, 3, 4, 5], start: "08:00", end: "18:00" };

describe.each(TEST_DATABASES)("grant conditions from the role editor ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  const managerGrants = () => TEMPLATES_BY_ID.get(builtinRoleId("manager"))!.grants.map((g) => ({ permission: g.permission, scope: g.scope ?? "subtree", ...(g.conditions ? { conditions: g.conditions } : {}) }));

  test("a weekday-hours role: allowed inside the window, refused outside it, explained in the place's time zone", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2026-12-14T18:00:00Z")); // Monday 10:00 in Seattle
    const owner = await callerFor(db, "owner@northwind.test");
    const place = nodes.get("Northwind Dental Group")!;
    const grants = managerGrants().map((g) => (g.permission === "patients.read" ? { ...g, conditions: { timeWindow: WINDOW } } : g));

    // Broken conditions: 400, nothing stored.
    const broken = await callEntry(rolesActions.createRoleAction, { placeId: place, name: "Day Manager", description: "", parentId: builtinRoleId("manager"), grants: grants.map((g) => (g.permission === "patients.read" ? { ...g, conditions: { timeWindow: { days: [1], start: "18:00", end: "08:00" } } } : g)) }, owner);
    expect(broken).toMatchObject({ ok: false, code: "invalid" });
    expect(JSON.stringify(broken)).toContain("the window must end after it starts");
    expect(await db.prisma.role.count({ where: { name: "Day Manager" } })).toBe(0);

    const made = await callEntry(rolesActions.createRoleAction, { placeId: place, name: "Day Manager", description: "Manager on weekday hours", parentId: builtinRoleId("manager"), grants }, owner);
    expect(made).toMatchObject({ ok: true });
    const roleId = made.data.id as string;
    const assigned = await callEntry(usersActions.changeRoles, { nodeId: nodes.get("Seattle Practice"), userId: ids.get("dr.patel@northwind.test"), assignments: [{ nodeId: nodes.get("Seattle Practice"), roleId }] }, owner);
    expect(assigned.ok).toBe(true);

    const patel = () => sharedLoader(db.prisma).load(ids.get("dr.patel@northwind.test")!);
    const downtown = { nodeId: nodes.get("Seattle Downtown")! };
    expect(decide(await patel(), "patients.read", downtown)).toBe(true);
    // Monday 21:14 in Seattle (05:14Z Tuesday): outside, and said so in the place's own time.
    vi.setSystemTime(Date.parse("2026-12-15T05:14:00Z"));
    expect(decide(await patel(), "patients.read", downtown)).toBe(false);
    expect(explain(await patel(), "patients.read", downtown).reason).toBe("Day Manager at Seattle Practice grants patients.read only Mon–Fri 08:00–18:00 America/Los_Angeles; now Mon 21:14.");
    // Other permissions of the role are untouched by the window.
    expect(decide(await patel(), "appointments.read", downtown)).toBe(true);
    // Saturday 10:00: outside the weekday window.
    vi.setSystemTime(Date.parse("2026-12-19T18:00:00Z"));
    expect(decide(await patel(), "patients.read", downtown)).toBe(false);

    // The edit preview: who is affected, by name.
    const affected = await affectedPeople(db.prisma, place, roleId);
    expect(affected.people).toBe(1);
    expect(affected.names).toEqual(["Dr. Priya Patel"]);
  });

  test("a lower role can't edit conditions (403), another tenant gets 404; nothing changes", async () => {
    const place = nodes.get("Northwind Dental Group")!;
    const grants = managerGrants();
    const before = await db.prisma.role.count();
    expect(await callEntry(rolesActions.createRoleAction, { placeId: nodes.get("Seattle Practice"), name: "Sneaky", description: "", parentId: builtinRoleId("manager"), grants }, await callerFor(db, "manager@northwind.test"))).toMatchObject({ ok: false, code: "forbidden" });
    expect(await callEntry(rolesActions.createRoleAction, { placeId: place, name: "Sneaky", description: "", parentId: builtinRoleId("manager"), grants }, await callerFor(db, "owner@lakeside.test"))).toMatchObject({ ok: false, code: "not_found" });
    expect(await db.prisma.role.count()).toBe(before);
  });
});
