import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/demo-accounts";
import { seedDemoData } from "../../prisma/seed";
import { BAD_CREDENTIALS } from "../auth/credentials";
import { CHALLENGE_EXPIRED, LOCKED, TOO_MANY_CODES, completeSignInChallenge, sendChallengeEmailCode, signInWithPassword } from "../auth/sign-in";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { startDevSmtp } from "../email/dev-smtp";
import { readMailbox } from "../email/mailbox";
import { deliverOutbox } from "../email/outbox";
import { acceptInvitation, inviteMember, viewInvitation } from "../invitations/invitations";
import { completePasswordReset, createUserWithPassword, endSessions, sendPasswordReset, unlockAccount } from "./account-admin";
import { encryptSecret } from "./crypto";
import { resetAllLimits } from "./rate-limit";
import { TOKEN_MESSAGES } from "./tokens";
import { enableTotp } from "./two-factor";

const policy = { idleMinutes: 30, absoluteHours: 12 };
const meta = { ip: "203.0.113.9", userAgent: "Vitest" };
const STRONG = "violet-harbor-lantern-42";
const STRONG2 = "quiet-meadow-copper-77";

describe.each(TEST_DATABASES)("account security ($name)", (kind) => {
  let db: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startDevSmtp>>;
  let dir: string;
  let transport: nodemailer.Transporter;
  let lakeside: string;
  let owner: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    dir = mkdtempSync(path.join(tmpdir(), "careaccess-mail-"));
    smtp = await startDevSmtp({ dir });
    transport = nodemailer.createTransport(smtp.url);
    process.env.NEXTAUTH_URL = "http://app.test";
    lakeside = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Lakeside Physio" } })).id;
    owner = (await db.prisma.user.findUniqueOrThrow({ where: { email: "owner@lakeside.test" } })).id;
    resetAllLimits();
  });
  afterAll(async () => {
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
    await db?.destroy();
  });

  /** Delivers the outbox over real SMTP and returns the newest link in the newest mail to `to`. */
  async function linkFor(to: string, part: string): Promise<string> {
    await deliverOutbox(db.prisma, transport);
    const mail = readMailbox(dir, to).find((m) => m.links.some((l) => l.includes(part)));
    if (!mail) throw new Error(`no mail to ${to} with ${part}`);
    return mail.links.find((l) => l.includes(part))!;
  }
  const tokenOf = (url: string) => url.split("/").pop()!;
  const tx = <T>(fn: (t: Parameters<Parameters<typeof db.prisma.$transaction>[0]>[0]) => Promise<T>) => db.prisma.$transaction(fn);

  test("invite → real email → set a password → active with the invited role; every bad link has its message", async () => {
    const invite = () => tx((t) => inviteMember(t, { email: "Nora@Lakeside.test", name: "Nora Hire", assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], invitedById: owner }));
    expect(await invite()).toEqual({ email: "nora@lakeside.test", message: "Invitation sent to nora@lakeside.test. Their access starts when they accept it." });
    const first = { userId: (await db.prisma.user.findUniqueOrThrow({ where: { email: "nora@lakeside.test" } })).id };
    const firstLink = await linkFor("nora@lakeside.test", "/invite/");
    expect(firstLink).toMatch(/^http:\/\/app\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    const mail = readMailbox(dir, "nora@lakeside.test")[0];
    expect(mail.subject).toBe("You're invited to Lakeside Physio on CareAccess");
    expect(mail.text).toContain("expires in 3 days");
    // The role waits for the person: it grants nothing until they accept.
    expect(await db.prisma.roleBinding.count({ where: { userId: first.userId, nodeId: lakeside, pending: true } })).toBe(1);

    // Inviting again at the same place is a conflict; re-sending replaces the link.
    await expect(invite()).rejects.toMatchObject({ code: "conflict", message: "nora@lakeside.test already has a role at Lakeside Physio. Change their role there instead." });
    const { resendInvitation } = await import("../invitations/invitations");
    await tx((t) => resendInvitation(t, { userId: first.userId, tenantId: lakeside, invitedById: owner }));
    const secondLink = await linkFor("nora@lakeside.test", "/invite/");
    expect(secondLink).not.toBe(firstLink);
    expect(await viewInvitation(db.prisma, tokenOf(firstLink))).toMatchObject({ ok: false, message: TOKEN_MESSAGES.INVITE.replaced });
    expect((await viewInvitation(db.prisma, "garbage")).ok).toBe(false);
    expect(await viewInvitation(db.prisma, "x".repeat(43))).toMatchObject({ ok: false, message: "This invitation link is not valid. Check that you copied the whole link from the email." });

    const token = tokenOf(secondLink);
    await expect(tx((t) => acceptInvitation(t, { token, password: "short", confirm: "short" }))).rejects.toMatchObject({ fields: { password: ["Use at least 12 characters."] } });
    await expect(tx((t) => acceptInvitation(t, { token, password: "password1234", confirm: "password1234" }))).rejects.toMatchObject({ fields: { password: ["This password is too common. Choose something harder to guess."] } });
    await expect(tx((t) => acceptInvitation(t, { token, password: STRONG, confirm: STRONG + "x" }))).rejects.toMatchObject({ fields: { confirm: ["The two passwords don't match."] } });
    expect(await tx((t) => acceptInvitation(t, { token, password: STRONG, confirm: STRONG }))).toEqual({ email: "nora@lakeside.test", places: ["Lakeside Physio"] });
    expect(await db.prisma.roleBinding.count({ where: { userId: first.userId, nodeId: lakeside, pending: false } })).toBe(1);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: first.userId } })).status).toBe("ACTIVE");
    await expect(tx((t) => acceptInvitation(t, { token, password: STRONG, confirm: STRONG }))).rejects.toMatchObject({ message: "This invitation has already been used. Sign in with your email address and password." });
    expect((await signInWithPassword(db.prisma, { email: "nora@lakeside.test", password: STRONG }, meta, policy)).ok).toBe(true);

    // An expired invitation.
    await tx((t) => inviteMember(t, { email: "late@lakeside.test", assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], invitedById: owner }));
    const lateLink = await linkFor("late@lakeside.test", "/invite/");
    await db.prisma.accountToken.updateMany({ where: { user: { email: "late@lakeside.test" }, kind: "INVITE" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await viewInvitation(db.prisma, tokenOf(lateLink))).toMatchObject({ ok: false, message: "This invitation has expired. Ask your administrator to send you a new one." });
  });

  test("inviting an existing person asks for their consent: same answer, no second account, no access until they accept", async () => {
    const usersBefore = await db.prisma.user.count();
    const r = await tx((t) => inviteMember(t, { email: "rob@family.test", assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], invitedById: owner }));
    expect(r).toEqual({ email: "rob@family.test", message: "Invitation sent to rob@family.test. Their access starts when they accept it." });
    expect(await db.prisma.user.count()).toBe(usersBefore);
    const rob = await db.prisma.user.findUniqueOrThrow({ where: { email: "rob@family.test" } });
    expect(await db.prisma.roleBinding.findMany({ where: { userId: rob.id, nodeId: lakeside }, select: { pending: true } })).toEqual([{ pending: true }]);
    const link = await linkFor("rob@family.test", "/invite/");
    expect(readMailbox(dir, "rob@family.test").at(-1)!.subject).toBe("You're invited to Lakeside Physio on CareAccess");
    expect(await viewInvitation(db.prisma, tokenOf(link))).toMatchObject({ ok: true, needsPassword: false, places: ["Lakeside Physio"] });
    // No password needed (nor changed) to accept with an existing account.
    const hashBefore = rob.passwordHash;
    expect(await tx((t) => acceptInvitation(t, { token: tokenOf(link) }))).toEqual({ email: "rob@family.test", places: ["Lakeside Physio"] });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: rob.id } })).passwordHash).toBe(hashBefore);
    expect(await db.prisma.roleBinding.findMany({ where: { userId: rob.id, nodeId: lakeside }, select: { pending: true } })).toEqual([{ pending: false }]);
  });

  test("password reset: real link, policy and history checked, single use; expired and replaced links explained", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "therapist@lakeside.test" } });
    const session = await signInWithPassword(db.prisma, { email: user.email, password: DEMO_PASSWORD }, meta, policy);
    expect(session.ok).toBe(true);
    await tx((t) => sendPasswordReset(t, { userId: user.id, requestedById: owner }));
    const first = tokenOf(await linkFor(user.email, "/reset-password/"));
    await tx((t) => sendPasswordReset(t, { userId: user.id, requestedById: null }));
    const second = tokenOf(await linkFor(user.email, "/reset-password/"));
    await expect(tx((t) => completePasswordReset(t, { token: first, password: STRONG, confirm: STRONG }))).rejects.toMatchObject({ message: TOKEN_MESSAGES.RESET.replaced });
    await expect(tx((t) => completePasswordReset(t, { token: second, password: DEMO_PASSWORD, confirm: DEMO_PASSWORD }))).rejects.toMatchObject({
      fields: { password: ["You used this password recently. Choose one you haven't used in your last 5 passwords."] },
    });
    expect(await tx((t) => completePasswordReset(t, { token: second, password: STRONG, confirm: STRONG }))).toEqual({ email: user.email });
    // Every session ended; the old password no longer works, the new one does.
    expect(await db.prisma.session.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect(await signInWithPassword(db.prisma, { email: user.email, password: DEMO_PASSWORD }, meta, policy)).toEqual({ ok: false, message: BAD_CREDENTIALS });
    expect((await signInWithPassword(db.prisma, { email: user.email, password: STRONG }, meta, policy)).ok).toBe(true);
    await expect(tx((t) => completePasswordReset(t, { token: second, password: STRONG2, confirm: STRONG2 }))).rejects.toMatchObject({ message: TOKEN_MESSAGES.RESET.used });

    await tx((t) => sendPasswordReset(t, { userId: user.id, requestedById: null }));
    const third = tokenOf(await linkFor(user.email, "/reset-password/"));
    await db.prisma.accountToken.updateMany({ where: { userId: user.id, kind: "RESET", usedAt: null, replacedAt: null }, data: { expiresAt: new Date(Date.now() - 1) } });
    await expect(tx((t) => completePasswordReset(t, { token: third, password: STRONG2, confirm: STRONG2 }))).rejects.toMatchObject({ message: "This password reset link has expired. Request a new one below." });
    await expect(tx((t) => completePasswordReset(t, { token: "not-a-token-at-all-xxxxxxxx", password: STRONG2, confirm: STRONG2 }))).rejects.toMatchObject({ message: TOKEN_MESSAGES.RESET.invalid });
    // An admin reset for an invited person is refused with what to do instead.
    await tx((t) => inviteMember(t, { email: "pending@lakeside.test", assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], invitedById: owner }));
    const invited = { userId: (await db.prisma.user.findUniqueOrThrow({ where: { email: "pending@lakeside.test" } })).id };
    await expect(tx((t) => sendPasswordReset(t, { userId: invited.userId, requestedById: owner }))).rejects.toMatchObject({ message: "pending@lakeside.test hasn't activated their account yet. Send the invitation again instead." });
  });

  test("five wrong passwords lock the account (even the right password is refused), admins are alerted, unlock restores it", async () => {
    resetAllLimits();
    const email = "marta@family.test";
    const marta = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    for (let i = 0; i < 4; i++) expect(await signInWithPassword(db.prisma, { email, password: "wrong-password-1" }, meta, policy)).toEqual({ ok: false, message: BAD_CREDENTIALS });
    expect(await signInWithPassword(db.prisma, { email, password: "wrong-password-1" }, meta, policy)).toEqual({ ok: false, message: LOCKED });
    expect(await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy)).toEqual({ ok: false, message: LOCKED });
    await deliverOutbox(db.prisma, transport);
    expect(readMailbox(dir, "rob@family.test").some((m) => m.subject === "Security alert: marta@family.test was locked out")).toBe(true);
    expect(readMailbox(dir, email).some((m) => m.subject === "Security alert: your account was locked")).toBe(true);
    expect(await db.prisma.auditEvent.count({ where: { action: "auth.account_locked", targetId: marta.id } })).toBeGreaterThan(0);
    // An unknown email gets the same messages at the same points (no enumeration).
    for (let i = 0; i < 4; i++) expect(await signInWithPassword(db.prisma, { email: "ghost@family.test", password: "wrong-password-1" }, meta, policy)).toMatchObject({ message: BAD_CREDENTIALS });
    expect(await signInWithPassword(db.prisma, { email: "ghost@family.test", password: "wrong-password-1" }, meta, policy)).toMatchObject({ message: LOCKED });

    await tx((t) => unlockAccount(t, { userId: marta.id, byUserId: owner }));
    expect((await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy)).ok).toBe(true);
  });

  test("two-factor: wrong, replayed and too many codes; recovery codes work once; email codes", async () => {
    resetAllLimits();
    const email = "jim@family.test";
    const jim = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const enabled = await tx((t) => enableTotp(t, jim.id, secret, "000000"));
    expect(enabled).toEqual({ ok: false, message: "That code didn't work. Enter the 6-digit code your authenticator app shows now." });
    const on = await tx((t) => enableTotp(t, jim.id, secret, "", {}).then(() => null).catch(() => null));
    void on;
    const ok = await tx((t) => generate({ secret }).then((code) => enableTotp(t, jim.id, secret, code)));
    if (!ok.ok) throw new Error(ok.message);
    expect(ok.recoveryCodes).toHaveLength(10);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: jim.id } })).totpSecret).not.toContain(secret);
    void encryptSecret;

    const step1 = await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy);
    expect(step1).toMatchObject({ ok: false, next: "two_factor" });
    const challenge = step1.ok ? "" : step1.challenge!;
    expect(await completeSignInChallenge(db.prisma, { challenge, method: "totp", code: "12345" }, meta, policy)).toEqual({ ok: false, message: "Enter the 6-digit code." });
    // The code used at enrolment can't be replayed.
    const replay = await generate({ secret });
    expect(await completeSignInChallenge(db.prisma, { challenge, method: "totp", code: replay }, meta, policy)).toEqual({ ok: false, message: "That code didn't work. Enter the 6-digit code your authenticator app shows now." });
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const done = await completeSignInChallenge(db.prisma, { challenge, method: "totp", code: next }, meta, policy);
    expect(done.ok).toBe(true);
    expect(await completeSignInChallenge(db.prisma, { challenge, method: "totp", code: next }, meta, policy)).toEqual({ ok: false, message: "This sign-in step was already completed. Sign in again." });

    // Recovery code: once.
    const c2 = (await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy)) as { challenge: string };
    expect((await completeSignInChallenge(db.prisma, { challenge: c2.challenge, method: "recovery", code: ok.recoveryCodes[0].toUpperCase() }, meta, policy)).ok).toBe(true);
    const c3 = (await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy)) as { challenge: string };
    expect(await completeSignInChallenge(db.prisma, { challenge: c3.challenge, method: "recovery", code: ok.recoveryCodes[0] }, meta, policy)).toEqual({ ok: false, message: "That recovery code didn't work, or it has already been used." });

    // Email code: wrong, then expired, then right.
    const c4 = (await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy)) as { challenge: string };
    expect(await completeSignInChallenge(db.prisma, { challenge: c4.challenge, method: "email", code: "123456" }, meta, policy)).toEqual({ ok: false, message: "Send a code to your email first." });
    expect(await sendChallengeEmailCode(db.prisma, c4.challenge, meta)).toEqual({ ok: true });
    await deliverOutbox(db.prisma, transport);
    const code = readMailbox(dir, email)[0].subject.match(/(\d{6})$/)![1];
    const wrong = code === "000000" ? "111111" : "000000";
    expect(await completeSignInChallenge(db.prisma, { challenge: c4.challenge, method: "email", code: wrong }, meta, policy)).toEqual({ ok: false, message: "That code didn't work. Enter the 6-digit code from the most recent email we sent you." });
    expect((await completeSignInChallenge(db.prisma, { challenge: c4.challenge, method: "email", code }, meta, policy)).ok).toBe(true);

    // Too many wrong codes end the challenge; an expired challenge says so.
    const c5 = (await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy)) as { challenge: string };
    for (let i = 0; i < 4; i++) await completeSignInChallenge(db.prisma, { challenge: c5.challenge, method: "recovery", code: "aaaaa-bbbbb" }, meta, policy);
    expect(await completeSignInChallenge(db.prisma, { challenge: c5.challenge, method: "recovery", code: "aaaaa-bbbbb" }, meta, policy)).toEqual({ ok: false, message: TOO_MANY_CODES });
    expect(await completeSignInChallenge(db.prisma, { challenge: c5.challenge, method: "recovery", code: ok.recoveryCodes[1] }, meta, policy)).toEqual({ ok: false, message: TOO_MANY_CODES });
    // Sending an email code answers with a typed code (the route's HTTP status), not a message to match.
    expect(await sendChallengeEmailCode(db.prisma, c5.challenge, meta)).toEqual({ ok: false, code: "rate_limited", message: TOO_MANY_CODES });
    expect(await sendChallengeEmailCode(db.prisma, c4.challenge, meta)).toEqual({ ok: false, code: "conflict", message: "This sign-in step was already completed. Sign in again." });
    const c6 = (await signInWithPassword(db.prisma, { email, password: DEMO_PASSWORD }, meta, policy)) as { challenge: string };
    await db.prisma.accountToken.updateMany({ where: { userId: jim.id, kind: "SIGN_IN", usedAt: null }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await completeSignInChallenge(db.prisma, { challenge: c6.challenge, method: "totp", code: "123456" }, meta, policy)).toEqual({ ok: false, message: CHALLENGE_EXPIRED });
  });

  test("tenant settings: required 2FA forces enrolment, concurrent limit refuses or signs out the oldest, IP ranges refuse", async () => {
    resetAllLimits();
    const moms = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Neighbor's Care" } })).id;
    const ned = await db.prisma.user.findUniqueOrThrow({ where: { email: "ned@neighbor.test" } });
    const store = (settings: object) => db.prisma.securitySettings.upsert({ where: { tenantId: moms }, create: { tenantId: moms, settings }, update: { settings } });
    await store({ twoFactor: { required: "everyone" } });
    expect(await signInWithPassword(db.prisma, { email: ned.email, password: DEMO_PASSWORD }, meta, policy)).toMatchObject({ ok: false, next: "enrol" });
    await store({ sessions: { maxConcurrent: 1, onLimit: "refuse" } });
    await tx((t) => endSessions(t, { userId: ned.id, byUserId: ned.id, reason: "test" }));
    expect((await signInWithPassword(db.prisma, { email: ned.email, password: DEMO_PASSWORD }, meta, policy)).ok).toBe(true);
    expect(await signInWithPassword(db.prisma, { email: ned.email, password: DEMO_PASSWORD }, meta, policy)).toEqual({
      ok: false,
      message: "You're already signed in on 1 device, the most your organisation allows. Sign out on another device first, or ask an administrator to end your sessions.",
    });
    await store({ sessions: { maxConcurrent: 1, onLimit: "sign_out_oldest", idleMinutes: 5 } });
    const again = await signInWithPassword(db.prisma, { email: ned.email, password: DEMO_PASSWORD }, meta, policy);
    expect(again.ok).toBe(true);
    const live = await db.prisma.session.findMany({ where: { userId: ned.id, revokedAt: null } });
    expect(live).toHaveLength(1);
    expect(live[0].idleMinutes).toBe(5);
    await store({ ipAllowlist: { enabled: true, ranges: [{ cidr: "10.0.0.0/8" }, { cidr: "2001:db8::/32" }] } });
    expect(await signInWithPassword(db.prisma, { email: ned.email, password: DEMO_PASSWORD }, meta, policy)).toEqual({
      ok: false,
      message: "Signing in from your network isn't allowed by your organisation's security settings. Connect from an allowed network, or ask your administrator.",
    });
    expect((await signInWithPassword(db.prisma, { email: ned.email, password: DEMO_PASSWORD }, { ...meta, ip: "2001:db8::5" }, policy)).ok).toBe(true);
    expect(await db.prisma.auditEvent.count({ where: { action: "auth.ip_blocked", tenantId: moms } })).toBe(1);
  });

  test("Add user: the admin's password must meet policy and must be changed at first sign-in; null sends an activation link", async () => {
    await expect(tx((t) => createUserWithPassword(t, { email: "weak@lakeside.test", name: "Weak", password: "abc", assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], createdById: owner }))).rejects.toMatchObject({ fields: { password: ["Use at least 12 characters."] } });
    const { userId } = await tx((t) => createUserWithPassword(t, { email: "added@lakeside.test", name: "Added Person", password: STRONG, assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], createdById: owner }));
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).toMatchObject({ status: "ACTIVE", mustChangePassword: true });
    await tx((t) => createUserWithPassword(t, { email: "activate@lakeside.test", name: "Act Ivate", password: null, assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], createdById: owner }));
    expect(await linkFor("activate@lakeside.test", "/invite/")).toMatch(/\/invite\//);
    await expect(tx((t) => createUserWithPassword(t, { email: "added@lakeside.test", name: "Again", password: null, assignments: [{ nodeId: lakeside, roleId: "builtin:front_desk" }], createdById: owner }))).rejects.toMatchObject({ code: "conflict" });
  });
});
