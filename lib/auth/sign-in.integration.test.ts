import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { checkSession, revokeSession } from "../sessions/sessions";
import { DEMO_PASSWORD } from "../../prisma/demo-accounts";
import { seedDemoData } from "../../prisma/seed";
import { BAD_CREDENTIALS } from "./credentials";
import { signInWithPassword } from "./sign-in";

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
