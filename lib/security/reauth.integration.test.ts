import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/demo-accounts";
import { seedDemoData } from "../../prisma/seed";
import { signInWithPassword } from "../auth/sign-in";
import type { Db } from "../db/client";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { checkSession } from "../sessions/sessions";
import { resetAllLimits } from "./rate-limit";
import { tenantRolesOf } from "./settings";

// The routes run for real (the wrapper, its transaction, zod, the domain code) on the test
// database; only the request around them is stood in for: headers, the signed-in session, the pool.
const request = vi.hoisted(() => ({ db: null as unknown, session: null as unknown }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "Vitest" }) }));
vi.mock("../db", () => ({ prisma: async () => request.db }));
vi.mock("../auth/session", () => ({ currentSession: async () => request.session }));
const { POST: reauth } = await import("../../app/api/account/reauth/route");
const { POST: changePassword } = await import("../../app/api/account/password/route");

const policy = { idleMinutes: 30, absoluteHours: 12 };
const post = (handler: (r: Request) => Promise<Response>, body: object) =>
  handler(new Request("http://app.test/api/x", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));

describe.each(TEST_DATABASES)("confirming it's you ($name)", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    request.db = db.prisma;
  });
  afterAll(async () => db?.destroy());

  async function signIn(email: string) {
    resetAllLimits();
    const r = await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, { ip: "203.0.113.20" }, policy);
    if (!r.ok) throw new Error(r.message);
    request.session = await checkSession(db.prisma, r.sessionId, policy);
    const chains = (await tenantRolesOf(db.prisma, r.userId)).size || 1;
    return { userId: r.userId, sessionId: r.sessionId, chains };
  }
  const audited = (prisma: Db, userId: string, action: string) => prisma.auditEvent.count({ where: { action, targetId: userId } });

  test("5 wrong passwords: each failure stays audited though its request failed; the 6th is 429 even with the right password, until the wait is over", async () => {
    const me = await signIn("frontdesk@northwind.test");
    const reauthAt = async () => (await db.prisma.session.findUniqueOrThrow({ where: { id: me.sessionId } })).reauthAt?.getTime() ?? 0;
    const confirmedAt = await reauthAt();
    for (let i = 1; i <= 5; i++) {
      const res = await post(reauth, { password: `wrong-password-${i}` });
      expect(res.status).toBe(400);
      expect((await res.json()).error.fields).toEqual({ password: ["That password is incorrect."] });
      // Written after the request's transaction rolled back, in its own committed one.
      expect(await audited(db.prisma, me.userId, "auth.reauth_failed")).toBe(i * me.chains);
    }
    const refused = await post(reauth, { password: DEMO_PASSWORD });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/^Too many attempts\. Wait \d+ minutes and try again\.$/) });
    expect(await reauthAt()).toBe(confirmedAt);
    // The password change asks for the same password, so it is refused too.
    const change = await post(changePassword, { current: DEMO_PASSWORD, password: "violet-harbor-lantern-42", confirm: "violet-harbor-lantern-42" });
    expect(change.status).toBe(429);
    // The fifth wrong password also met the sign-in lockout (default 5): locked, audited, alerted.
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: me.userId } })).lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await audited(db.prisma, me.userId, "auth.account_locked")).toBe(me.chains);

    // The attempt window passes, but the lock hasn't: still 429, with how long to wait.
    resetAllLimits();
    const stillLocked = await post(reauth, { password: DEMO_PASSWORD });
    expect(stillLocked.status).toBe(429);
    expect(Number(stillLocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await stillLocked.json()).error.message).toMatch(/^Your account is locked after too many failed attempts\./);

    // Both have passed: the right password works again and restarts the re-authentication window.
    await db.prisma.user.update({ where: { id: me.userId }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    const ok = await post(reauth, { password: DEMO_PASSWORD });
    expect(ok.status).toBe(200);
    expect(await reauthAt()).toBeGreaterThan(confirmedAt);
  });

  test("a wrong current password on the password change is audited, counted, and the chain still verifies", async () => {
    const me = await signIn("billing@northwind.test");
    for (let i = 1; i <= 5; i++) {
      const res = await post(changePassword, { current: `wrong-password-${i}`, password: "violet-harbor-lantern-42", confirm: "violet-harbor-lantern-42" });
      expect(res.status).toBe(400);
    }
    expect(await audited(db.prisma, me.userId, "auth.password_change_failed")).toBe(5 * me.chains);
    expect((await post(reauth, { password: DEMO_PASSWORD })).status).toBe(429);
    const { verifyChain } = await import("../audit/audit");
    for (const tenantId of (await tenantRolesOf(db.prisma, me.userId)).keys()) expect((await verifyChain(db.prisma, tenantId)).ok).toBe(true);
  });
});
