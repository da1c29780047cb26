/**
 * Expiring roles (issue 11, slice 1) through the real Settings > Users entry point (runAs), on
 * PGlite and, with TEST_DATABASE_URL, PostgreSQL, with a controllable clock (fake Date):
 * a role given with a start and an end grants nothing before its start, everything in between,
 * and is refused one second after its end — by decide(), by the wrapper (404), and in explain().
 * Broken dates answer 400 with a field message; a lower role 403; another tenant 404; nothing changes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as usersActions from "../members/actions";
import { runAs, type Caller, type Spec } from "../api/handler";
import { AppError } from "../api/errors";
import { decide, explain } from "../authz";
import { builtinRoleId } from "../authz/roles";
import { sharedLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

type AnySpec = Spec<never, unknown>;
const specOf = (entry: unknown) => (entry as { spec: AnySpec }).spec;
async function call(entry: unknown, raw: unknown, caller: Caller) {
  try {
    return { ok: true as const, data: await runAs(specOf(entry), raw, caller) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false as const, code: err.code, message: err.message, fields: err.fields };
    throw err;
  }
}

const T0 = Date.parse("2026-12-10T09:00:00.000Z");
const HOUR = 3_600_000;
const START = new Date(T0 + HOUR).toISOString();
const END = new Date(T0 + 3 * HOUR).toISOString();

describe.each(TEST_DATABASES)("expiring roles ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  const at = (ms: number) => vi.setSystemTime(ms);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  const changeRoles = (caller: Caller, assignments: unknown[], place = "Northwind Dental Group", user = "frontdesk@northwind.test") =>
    call(usersActions.changeRoles, { nodeId: nodes.get(place), userId: ids.get(user), assignments }, caller);
  const binding = () => db.prisma.roleBinding.findUnique({ where: { userId_nodeId: { userId: ids.get("frontdesk@northwind.test")!, nodeId: nodes.get("Seattle Practice")! } } });

  test("broken dates: 400 with field messages, nothing stored", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const owner = await callerFor(db, "owner@northwind.test");
    const seattle = nodes.get("Seattle Practice");
    const backwards = await changeRoles(owner, [{ nodeId: seattle, roleId: builtinRoleId("manager"), startsAt: END, expiresAt: START }]);
    expect(backwards).toMatchObject({ ok: false, code: "invalid" });
    expect(JSON.stringify(backwards)).toContain("The end must be after the start.");
    const notADate = await changeRoles(owner, [{ nodeId: seattle, roleId: builtinRoleId("manager"), expiresAt: "next tuesday" }]);
    expect(notADate).toMatchObject({ ok: false, code: "invalid" });
    expect(JSON.stringify(notADate)).toContain("Use a full date and time.");
    const past = await changeRoles(owner, [{ nodeId: seattle, roleId: builtinRoleId("manager"), expiresAt: new Date(T0 - 1000).toISOString() }]);
    expect(past).toMatchObject({ ok: false, code: "invalid", fields: { expiresAt: ["Choose an end in the future."] } });
    expect(await binding()).toBeNull();
  });

  test("a lower role (403) and another tenant (404) can't set dates", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const frontDesk = await callerFor(db, "frontdesk@northwind.test");
    expect(await changeRoles(frontDesk, [{ nodeId: nodes.get("Boston Practice"), roleId: builtinRoleId("front_desk"), expiresAt: END }], "Boston Practice", "frontdesk@northwind.test")).toMatchObject({ ok: false });
    const lakeside = await callerFor(db, "owner@lakeside.test");
    expect(await changeRoles(lakeside, [{ nodeId: nodes.get("Seattle Practice"), roleId: builtinRoleId("manager"), startsAt: START, expiresAt: END }])).toMatchObject({ ok: false, code: "not_found" });
    const manager = await callerFor(db, "manager@northwind.test");
    const r = await changeRoles(manager, [{ nodeId: nodes.get("Seattle Practice"), roleId: builtinRoleId("manager"), startsAt: START, expiresAt: END }], "Seattle Practice", "dr.lee@northwind.test");
    expect(r).toMatchObject({ ok: false, code: "forbidden" });
    expect(await binding()).toBeNull();
  });

  test("a role with a start and an end: nothing before, allowed inside, refused one second after its end", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const owner = await callerFor(db, "owner@northwind.test");
    const saved = await changeRoles(owner, [{ nodeId: nodes.get("Seattle Practice"), roleId: builtinRoleId("admin"), startsAt: START, expiresAt: END }]);
    expect(saved).toMatchObject({ ok: true });
    const row = await binding();
    expect(row?.startsAt?.toISOString()).toBe(START);
    expect(row?.expiresAt?.toISOString()).toBe(END);
    const audit = await db.prisma.auditEvent.findFirst({ where: { action: "member.role_added", targetId: ids.get("frontdesk@northwind.test") }, orderBy: { createdAt: "desc" } });
    expect(audit?.details).toMatchObject({ startsAt: START, expiresAt: END });

    const seattle = { nodeId: nodes.get("Seattle Downtown")! };
    const check = async (ms: number) => {
      at(ms);
      const subject = await sharedLoader(db.prisma).load(ids.get("frontdesk@northwind.test")!);
      return decide(subject, "members.read", seattle);
    };
    expect(await check(T0)).toBe(false);
    expect(await check(T0 + HOUR - 1000)).toBe(false);
    expect(await check(T0 + HOUR)).toBe(true);
    expect(await check(T0 + 3 * HOUR - 1)).toBe(true);
    expect(await check(T0 + 3 * HOUR + 1000)).toBe(false);

    // explain() names the reason before the start and after the end.
    at(T0);
    let subject = await sharedLoader(db.prisma).load(ids.get("frontdesk@northwind.test")!);
    expect(explain(subject, "members.read", seattle).reason).toContain("starts on 2026-12-10");
    at(T0 + 3 * HOUR + 1000);
    subject = await sharedLoader(db.prisma).load(ids.get("frontdesk@northwind.test")!);
    expect(explain(subject, "members.read", seattle).reason).toContain("expired on 2026-12-10");

    // The wrapper: inside the window the temporary manager may use the Users screen at Seattle;
    // one second after the end the same request is refused (Seattle is out of their reach: 404).
    const assign = { nodeId: nodes.get("Seattle Downtown"), roleId: builtinRoleId("front_desk") };
    at(T0 + 2 * HOUR);
    const temp = await callerFor(db, "frontdesk@northwind.test");
    const inside = await changeRoles(temp, [assign], "Seattle Practice", "dr.patel@northwind.test");
    expect(inside, JSON.stringify(inside)).toMatchObject({ ok: true });
    at(T0 + 3 * HOUR + 1000);
    const later = await callerFor(db, "frontdesk@northwind.test");
    expect(await changeRoles(later, [{ ...assign, roleId: null }], "Seattle Practice", "dr.patel@northwind.test")).toMatchObject({ ok: false, code: "not_found" });
    const patel = await db.prisma.roleBinding.findUnique({ where: { userId_nodeId: { userId: ids.get("dr.patel@northwind.test")!, nodeId: nodes.get("Seattle Downtown")! } } });
    expect(patel?.roleId).toBe(builtinRoleId("front_desk"));
  });
});
