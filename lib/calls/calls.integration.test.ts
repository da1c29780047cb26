/**
 * Calls on PGlite and PostgreSQL: the AI Assistant Handler sees only the calls assigned to them
 * (in SQL), with transcriptions but never a patient field; the Manager sees every call at Seattle
 * with the patient's name but can't close tasks; a stranger 404, broken input 400, nothing changed.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Caller } from "../api/handler";
import { SubjectLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry as call, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import * as actions from "./actions";
import { callsPlace, listCalls } from "./calls";


describe.each(TEST_DATABASES)("calls ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const users = new Map<string, string>();
  const subject = async (email: string) => new SubjectLoader(db.prisma).load(users.get(email)!);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) users.set(u.email, u.id);
  });
  afterAll(async () => db?.destroy());

  test("the handler sees only their tasks' calls, with transcripts and no patient; the Manager sees all, with names, no transcripts", async () => {
    const handler = await subject("ai.handler@northwind.test");
    const mine = await listCalls(db.prisma, handler, callsPlace(handler, nodes.get("Seattle Practice")!)!);
    expect(mine).toHaveLength(6);
    expect(mine.every((c) => c.assignee === "Ava Handler" && typeof c.transcript === "string" && !("patient" in c))).toBe(true);
    const json = JSON.stringify(mine);
    for (const p of await db.prisma.patient.findMany({ where: { nodeId: nodes.get("Seattle Downtown")! } })) {
      expect(json).not.toContain(p.lastName);
      expect(json).not.toContain(p.id);
    }
    const manager = await subject("manager@northwind.test");
    const all = await listCalls(db.prisma, manager, callsPlace(manager, nodes.get("Seattle Practice")!)!);
    expect(all).toHaveLength(8);
    expect(all.some((c) => c.patient && c.patient.includes(" "))).toBe(true);
    expect(all.every((c) => c.transcript === undefined && !c.canHandle)).toBe(true);
  });

  test("the handler closes their own open call; not someone else's (403), not from outside (404), not without a summary (400)", async () => {
    const downtown = nodes.get("Seattle Downtown")!;
    const handler = await callerFor(db, "ai.handler@northwind.test");
    const own = await db.prisma.call.findFirstOrThrow({ where: { assigneeId: users.get("ai.handler@northwind.test"), status: "open" } });
    const unassigned = await db.prisma.call.findFirstOrThrow({ where: { assigneeId: null } });
    const before = await db.prisma.call.findMany({ orderBy: { id: "asc" } });
    expect(await call(actions.handleCallAction, { nodeId: downtown, callId: own.id, summary: "" }, handler)).toMatchObject({ ok: false, code: "invalid", fields: { summary: ["Say how the call was handled."] } });
    expect(await call(actions.handleCallAction, { nodeId: downtown, callId: unassigned.id, summary: "Done" }, handler)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.handleCallAction, { nodeId: downtown, callId: own.id, summary: "Done" }, await callerFor(db, "manager@northwind.test"))).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.handleCallAction, { nodeId: downtown, callId: own.id, summary: "Done" }, await callerFor(db, "owner@lakeside.test"))).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(actions.handleCallAction, { nodeId: nodes.get("Boston Practice")!, callId: own.id, summary: "Done" }, await callerFor(db, "frontdesk@northwind.test"))).toMatchObject({ ok: false, code: "not_found" });
    expect(await db.prisma.call.findMany({ orderBy: { id: "asc" } })).toEqual(before);

    expect(await call(actions.handleCallAction, { nodeId: downtown, callId: own.id, summary: "Moved to Friday 10:00." }, handler)).toEqual({ ok: true, data: { id: own.id, status: "handled" } });
    expect(await db.prisma.auditEvent.count({ where: { action: "call.handled", targetId: own.id } })).toBe(1);
    expect(await call(actions.handleCallAction, { nodeId: downtown, callId: own.id, summary: "Again" }, handler)).toMatchObject({ ok: false, code: "conflict" });
  });
});
