import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { resetAllLimits } from "../security/rate-limit";
import { checkSession, revokeSession } from "../sessions/sessions";
import { DEMO_PASSWORD } from "../../prisma/demo-accounts";
import { seedDemoData } from "../../prisma/seed";
import { BAD_CREDENTIALS } from "./credentials";
import { LOCKED, signInWithPassword } from "./sign-in";

const policy = { idleMinutes: 30, absoluteHours: 12 };
const meta = { ip: "203.0.113.7", userAgent: "Vitest" };

describe.each(TEST_DATABASES)("signing in with email and password ($name)", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
  });
  afterAll(async () => db?.destroy());

  test("the right password opens a server-side session with IP and device", async () => {
    const result = await signInWithPassword(db.prisma, { email: " Owner@Northwind.TEST ", password: DEMO_PASSWORD }, meta, policy);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const row = await db.prisma.session.findUniqueOrThrow({ where: { id: result.sessionId } });
    expect(row).toMatchObject({ userId: result.userId, ip: "203.0.113.7", userAgent: "Vitest", revokedAt: null });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(12 * 3_600_000);
  });

  test.each([
    ["a wrong password", { email: "owner@northwind.test", password: "wrong-password-1" }, BAD_CREDENTIALS],
    ["an unknown email", { email: "nobody@northwind.test", password: DEMO_PASSWORD }, BAD_CREDENTIALS],
    ["a malformed email", { email: "owner-at-northwind", password: DEMO_PASSWORD }, "Enter a valid email address, like name@clinic.com."],
    ["no password", { email: "owner@northwind.test", password: "" }, "Enter your password."],
    ["no email", { password: DEMO_PASSWORD }, "Enter your email address."],
  ])("%s is refused with the message the user sees", async (_, input, message) => {
    const sessionsBefore = await db.prisma.session.count();
    expect(await signInWithPassword(db.prisma, input, meta, policy)).toEqual({ ok: false, message });
    expect(await db.prisma.session.count()).toBe(sessionsBefore);
  });

  test("a disabled account is refused with the same message as a wrong password", async () => {
    await db.prisma.user.update({ where: { email: "jim@family.test" }, data: { status: "DISABLED" } });
    expect(await signInWithPassword(db.prisma, { email: "jim@family.test", password: DEMO_PASSWORD }, meta, policy)).toEqual({ ok: false, message: BAD_CREDENTIALS });
    await db.prisma.user.update({ where: { email: "jim@family.test" }, data: { status: "ACTIVE" } });
  });

  test.each([
    // Wrong passwords up to the lockout, then (once locked) the right password and more wrong ones.
    { limit: "the default lockout (5)", email: "billing@northwind.test", ghost: "ghost@northwind.test", maxAttempts: null, lockedAt: 5, passwords: "wwwwwRR" },
    { limit: "a tenant lockout of 3", email: "therapist@lakeside.test", ghost: "ghost@lakeside.test", maxAttempts: 3, lockedAt: 3, passwords: "wwwRwwR" },
  ])("with $limit, a real email's answers can't be told from an unknown email's, while the account still locks", async ({ email, ghost, maxAttempts, lockedAt, passwords: pattern }) => {
    const passwords = [...pattern].map((p, i) => (p === "R" ? DEMO_PASSWORD : `wrong-password-${i}`));
    resetAllLimits();
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email }, include: { bindings: { include: { node: true } } } });
    if (maxAttempts) {
      const tenantId = user.bindings[0].node.rootId;
      const settings = { lockout: { maxAttempts, lockMinutes: 60 } };
      await db.prisma.securitySettings.upsert({ where: { tenantId }, create: { tenantId, settings }, update: { settings } });
    }
    const mailsBefore = await db.prisma.emailOutbox.count({ where: { kind: "security_alert" } });
    // The real account's answers, then an unknown email's for the same passwords.
    const answers = async (who: string) => {
      const out: string[] = [];
      for (const password of passwords) {
        const r = await signInWithPassword(db.prisma, { email: who, password }, meta, policy);
        out.push(r.ok ? "signed in" : r.message);
      }
      return out;
    };
    const real = await answers(email);
    const unknown = await answers(ghost);
    expect(real).toEqual(unknown);
    expect(real).toEqual([BAD_CREDENTIALS, BAD_CREDENTIALS, BAD_CREDENTIALS, BAD_CREDENTIALS, LOCKED, LOCKED, LOCKED]);
    // The lock itself happened at the tenant's limit, with the audit row and the alerts.
    const locked = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(locked.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    const lockRow = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "auth.account_locked", targetId: user.id } });
    expect(lockRow.details).toMatchObject({ attempts: lockedAt });
    expect(await db.prisma.emailOutbox.count({ where: { kind: "security_alert" } })).toBeGreaterThan(mailsBefore);
    // Once the per-email window has passed the locked account still refuses the right password,
    // with the unknown email's answer again.
    resetAllLimits();
    const afterWindow = await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy);
    expect(afterWindow).toEqual(await signInWithPassword(db.prisma, { email: ghost, password: DEMO_PASSWORD }, meta, policy));
    expect(afterWindow).toEqual({ ok: false, message: BAD_CREDENTIALS });
    await db.prisma.user.update({ where: { email }, data: { lockedUntil: null, failedLoginCount: 0 } });
    resetAllLimits();
  });

  test("every request checks the session row: revoked, idle, expired and disabled sessions end", async () => {
    const open = async () => {
      const r = await signInWithPassword(db.prisma, { email: "marta@family.test", password: DEMO_PASSWORD }, meta, policy);
      if (!r.ok) throw new Error(r.message);
      return r.sessionId;
    };
    const t0 = new Date();
    const live = await open();
    expect((await checkSession(db.prisma, live, policy, t0)).ok).toBe(true);

    const revoked = await open();
    await revokeSession(db.prisma, revoked, "signed out");
    expect(await checkSession(db.prisma, revoked, policy)).toEqual({ ok: false, reason: "revoked" });

    const idle = await open();
    expect(await checkSession(db.prisma, idle, policy, new Date(Date.now() + 31 * 60_000))).toEqual({ ok: false, reason: "idle" });
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id: idle } })).revokedReason).toBe("idle timeout");

    const old = await open();
    expect(await checkSession(db.prisma, old, { idleMinutes: 100_000, absoluteHours: 12 }, new Date(Date.now() + 13 * 3_600_000))).toEqual({ ok: false, reason: "expired" });

    const disabled = await open();
    await db.prisma.user.update({ where: { email: "marta@family.test" }, data: { status: "DISABLED" } });
    expect(await checkSession(db.prisma, disabled, policy)).toEqual({ ok: false, reason: "disabled" });
    await db.prisma.user.update({ where: { email: "marta@family.test" }, data: { status: "ACTIVE" } });

    expect(await checkSession(db.prisma, "no-such-session", policy)).toEqual({ ok: false, reason: "missing" });
  });
});
