/**
 * Access requests with approval (issue 11) through the real server actions (runAs), on PGlite
 * and, with TEST_DATABASE_URL, PostgreSQL, with a controllable clock (fake Date):
 * request → Manager approves → the role is in force for its period only and refused one second
 * after its end; an Admin-level role needs a second step by an Owner/Admin (a Manager can't give
 * it: above their own level); self-approval refused; deny needs a note; unanswered requests
 * expire; another tenant gets 404; every step audited and emailed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as accessActions from "./actions";
import { runAs, type Caller, type Spec } from "../api/handler";
import { AppError } from "../api/errors";
import { decide } from "../authz";
import { builtinRoleId } from "../authz/roles";
import { bumpAuthzVersion, sharedLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";

type AnySpec = Spec<never, unknown>;
const specOf = (entry: unknown) => (entry as { spec: AnySpec }).spec;
type Result = { ok: true; data: Record<string, unknown> } | { ok: false; code: string; message: string; fields?: Record<string, string[]> };
async function call(entry: unknown, raw: unknown, caller: Caller): Promise<Result> {
  try {
    return { ok: true, data: (await runAs(specOf(entry), raw, caller)) as Record<string, unknown> };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, message: err.message, fields: err.fields };
    throw err;
  }
}

const T0 = Date.parse("2026-12-14T16:00:00.000Z");
const HOUR = 3_600_000;

describe.each(TEST_DATABASES)("access requests ($name)", (kind) => {
  let db: TestDatabase;
  const ids = new Map<string, string>();
  const nodes = new Map<string, string>();
  const as = (email: string) => callerFor(db, email);
  const at = (ms: number) => vi.setSystemTime(ms);
  const ask = async (email: string, place: string, role: string, hours: [number, number], reason = "Covering the front desk this week.") =>
    call(accessActions.requestAccess, { nodeId: nodes.get(place), roleId: builtinRoleId(role), startsAt: new Date(T0 + hours[0] * HOUR).toISOString(), endsAt: new Date(T0 + hours[1] * HOUR).toISOString(), reason }, await as(email));
  const answer = async (email: string, requestId: unknown, decision: "approve" | "deny", note = "") => call(accessActions.answerAccessRequest, { requestId, decision, note }, await as(email));
  const mails = (email: string) => db.prisma.emailOutbox.findMany({ where: { to: email, kind: "access_request" }, orderBy: { createdAt: "asc" } });
  const can = async (email: string, place: string) => decide(await sharedLoader(db.prisma).load(ids.get(email)!), "appointments.check_in", { nodeId: nodes.get(place)! });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) ids.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    // A second manager, at Seattle Downtown only: for "a Manager can't approve above their level".
    await db.prisma.roleBinding.create({ data: { userId: ids.get("dr.patel@northwind.test")!, nodeId: nodes.get("Seattle Downtown")!, roleId: builtinRoleId("manager") } });
    await bumpAuthzVersion(db.prisma, nodes.get("Northwind Dental Group")!);
  }, 120_000);
  afterAll(async () => db?.destroy());
  afterEach(() => vi.useRealTimers());

  test("broken input: 400 with field messages; the Owner role can't be asked for; another tenant: 404", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const short = await ask("frontdesk@northwind.test", "Seattle Downtown", "front_desk", [0, 8], "pls");
    expect(short).toMatchObject({ ok: false, code: "invalid" });
    expect(JSON.stringify(short)).toContain("Say why you need it");
    const backwards = await ask("frontdesk@northwind.test", "Seattle Downtown", "front_desk", [8, 1]);
    expect(JSON.stringify(backwards)).toContain("The end must be after the start.");
    expect(await ask("frontdesk@northwind.test", "Seattle Downtown", "owner", [0, 8])).toMatchObject({ ok: false, code: "invalid", fields: { roleId: ["Choose a role other than Owner."] } });
    expect(await ask("owner@lakeside.test", "Seattle Downtown", "front_desk", [0, 8])).toMatchObject({ ok: false, code: "not_found" });
    expect(await db.prisma.accessRequest.count()).toBe(0);
  });

  test("request → Manager approves → in force for its period only, refused one second after its end", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const asked = await ask("frontdesk@northwind.test", "Seattle Downtown", "front_desk", [1, 9]);
    expect(asked).toMatchObject({ ok: true, data: { status: "PENDING" } });
    const id = (asked as unknown as { data: { id: string } }).data.id;
    // Step-1 approvers (Manager and above reaching the place) are emailed; the requester is not.
    expect((await mails("manager@northwind.test")).at(-1)?.subject).toContain("asks to be Front Desk at Seattle Downtown");
    expect((await mails("owner@northwind.test")).length).toBeGreaterThan(0);
    expect(await mails("dr.lee@northwind.test")).toHaveLength(0);
    // A second open request for the same place is refused.
    expect(await ask("frontdesk@northwind.test", "Seattle Downtown", "front_desk", [1, 9])).toMatchObject({ ok: false, code: "conflict" });

    expect(await answer("frontdesk@northwind.test", id, "approve")).toMatchObject({ ok: false, code: "forbidden", message: "You can't approve or deny your own request." });
    expect(await answer("dr.lee@northwind.test", id, "approve")).toMatchObject({ ok: false, code: "forbidden" });
    expect(await answer("owner@lakeside.test", id, "approve")).toMatchObject({ ok: false, code: "not_found" });
    expect(await can("frontdesk@northwind.test", "Seattle Downtown")).toBe(false);

    const approved = await answer("manager@northwind.test", id, "approve", "Welcome for the week.");
    expect(approved).toMatchObject({ ok: true, data: { status: "APPROVED" } });
    expect((await mails("frontdesk@northwind.test")).at(-1)?.subject).toBe("Access request approved: Front Desk at Seattle Downtown");
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: id }, orderBy: { id: "asc" }, select: { action: true, details: true } });
    expect(audit.map((a) => a.action)).toEqual(["access_request.created", "access_request.approved"]);
    expect(audit[1].details).toMatchObject({ final: true, note: "Welcome for the week." });

    expect(await can("frontdesk@northwind.test", "Seattle Downtown")).toBe(false); // starts in an hour
    at(T0 + HOUR);
    expect(await can("frontdesk@northwind.test", "Seattle Downtown")).toBe(true);
    at(T0 + 9 * HOUR - 1);
    expect(await can("frontdesk@northwind.test", "Seattle Downtown")).toBe(true);
    at(T0 + 9 * HOUR + 1000);
    expect(await can("frontdesk@northwind.test", "Seattle Downtown")).toBe(false);
    // Answering again is refused.
    expect(await answer("owner@northwind.test", id, "deny", "late")).toMatchObject({ ok: false, code: "conflict" });
  });

  test("an Admin-level role: a Manager's approval is step 1; another Manager can't give the final one; an Admin does", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const asked = await ask("inventory@northwind.test", "Seattle Downtown", "admin", [0, 24], "Running the clinic while the admin is away.");
    const id = (asked as unknown as { data: { id: string } }).data.id;
    expect(await answer("manager@northwind.test", id, "approve", "Fine by me.")).toMatchObject({ ok: true, data: { status: "PENDING", step: 2 } });
    expect((await mails("west.admin@northwind.test")).at(-1)?.subject).toContain("needs your approval");
    // The same Manager again, and another Manager: above their own level.
    expect(await answer("manager@northwind.test", id, "approve")).toMatchObject({ ok: false });
    expect(await answer("dr.patel@northwind.test", id, "approve")).toMatchObject({ ok: false, code: "forbidden", message: expect.stringContaining("above your own level") });
    const before = await db.prisma.roleBinding.count({ where: { userId: ids.get("inventory@northwind.test"), nodeId: nodes.get("Seattle Downtown") } });
    expect(before).toBe(0);
    expect(await answer("west.admin@northwind.test", id, "approve", "OK for a day.")).toMatchObject({ ok: true, data: { status: "APPROVED" } });
    const binding = await db.prisma.roleBinding.findUniqueOrThrow({ where: { userId_nodeId: { userId: ids.get("inventory@northwind.test")!, nodeId: nodes.get("Seattle Downtown")! } } });
    expect(binding.roleId).toBe(builtinRoleId("admin"));
    expect(binding.expiresAt?.getTime()).toBe(T0 + 24 * HOUR);
    const request = await db.prisma.accessRequest.findUniqueOrThrow({ where: { id } });
    expect((request.approvals as { userId: string }[]).map((a) => a.userId)).toEqual([ids.get("manager@northwind.test"), ids.get("west.admin@northwind.test")]);
  });

  test("never more than the approver holds: a Manager can't give Billing; the Owner can", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const asked = (await ask("dr.lee@northwind.test", "Seattle Northgate", "billing", [0, 8], "Closing the month for Seattle.")) as unknown as { data: { id: string } };
    const refused = await answer("manager@northwind.test", asked.data.id, "approve");
    expect(refused).toMatchObject({ ok: false, code: "forbidden", message: expect.stringContaining("You can only grant what you hold yourself") });
    expect(await db.prisma.roleBinding.count({ where: { userId: ids.get("dr.lee@northwind.test"), nodeId: nodes.get("Seattle Northgate") } })).toBe(0);
    expect((await db.prisma.accessRequest.findUniqueOrThrow({ where: { id: asked.data.id } })).status).toBe("PENDING");
    expect(await answer("owner@northwind.test", asked.data.id, "approve")).toMatchObject({ ok: true, data: { status: "APPROVED" } });
  });

  test("deny needs a note; unanswered requests expire", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(T0);
    const one = (await ask("billing@northwind.test", "Portland Pearl District", "front_desk", [0, 8])) as unknown as { data: { id: string } };
    expect(await answer("owner@northwind.test", one.data.id, "deny")).toMatchObject({ ok: false, code: "invalid", fields: { note: ["Say why you deny it."] } });
    expect(await answer("owner@northwind.test", one.data.id, "deny", "Portland is fully staffed.")).toMatchObject({ ok: true, data: { status: "DENIED" } });
    expect((await mails("billing@northwind.test")).at(-1)?.text).toContain("Portland is fully staffed.");

    const two = (await ask("billing@northwind.test", "Boston Back Bay", "front_desk", [0, 200])) as unknown as { data: { id: string } };
    at(T0 + 73 * HOUR);
    expect(await answer("owner@northwind.test", two.data.id, "approve")).toMatchObject({ ok: true, data: { status: "EXPIRED" } });
    expect(await db.prisma.roleBinding.count({ where: { userId: ids.get("billing@northwind.test"), nodeId: nodes.get("Boston Back Bay") } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { targetId: two.data.id, action: "access_request.expired" } })).toBe(1);
  });
});
