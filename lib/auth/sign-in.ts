import { requestContext, withRequestContext } from "../api/request-context";
import { z } from "zod";
import { recordAuditNow } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { securityAlertEmail, signInCodeEmail } from "../email/templates";
import { auditForUser, auditForUserNow } from "../security/audit";
import { decryptSecret, encryptSecret, safeEqual, sha256 } from "../security/crypto";
import { securityEnv } from "../security/env";
import { ipInAny } from "../security/ip";
import { recordPasswordFailure } from "../security/lockout";
import { passwordExpired } from "../security/password-policy";
import { consume, isLimited, waitMessage } from "../security/rate-limit";
import { ipAllowed, userPolicy, type UserPolicy } from "../security/settings";
import { checkToken, issueToken, useToken } from "../security/tokens";
import { TWO_FACTOR_MESSAGES, enableTotp, newEmailCode, recoveryCodesLeft, totpSetup, useRecoveryCode, verifyUserTotp } from "../security/two-factor";
import { createSession, type SessionPolicy } from "../sessions/sessions";
import { BAD_CREDENTIALS, signInSchema } from "./credentials";
import { verifyPassword } from "./password";
import { OWNER_ROLE_IDS } from "../authz/roles";

export type SignInResult =
  | { ok: true; userId: string; sessionId: string; name: string; email: string }
  | { ok: false; message: string; next?: "two_factor" | "enrol"; challenge?: string };

export type Meta = { ip?: string | null; userAgent?: string | null };

export const LOCKED = "This account is locked after too many failed sign-in attempts. Try again later, or ask an administrator to unlock it.";
export const IP_BLOCKED = "Signing in from your network isn't allowed by your organisation's security settings. Connect from an allowed network, or ask your administrator.";
export const CHALLENGE_EXPIRED = "Your sign-in took too long. Sign in again.";
export const CHALLENGE_USED = "This sign-in step was already completed. Sign in again.";
export const TOO_MANY_CODES = "Too many wrong codes. Sign in again.";
export const SESSION_LIMIT = (n: number) =>
  `You're already signed in on ${n} ${n === 1 ? "device" : "devices"}, the most your organisation allows. Sign out on another device first, or ask an administrator to end your sessions.`;

const CHALLENGE_TTL_MS = 10 * 60_000;
const MAX_CODE_ATTEMPTS = 5;
const EMAIL_CODE_TTL_MINUTES = 10;

type ChallengeDetails = { enrol?: boolean; pendingSecret?: string; verified?: boolean; emailCodeHash?: string; emailCodeExpiresAt?: string; method?: string };

/**
 * Step 1 of signing in: email and password. Unknown email, wrong password, a disabled account and
 * a locked one all answer the same message in the same time. Counts failures (account lockout
 * after the tenant's limit, default 5, with an alert to the person and their admins), applies
 * per-IP and per-account rate limits, checks the tenant IP ranges, and then either opens a session
 * or asks for the second factor (or for enrolment when the tenant requires 2FA).
 */
export async function signInWithPassword(db: Db, raw: unknown, meta: Meta, policy: SessionPolicy): Promise<SignInResult> {
  return withMetaContext(meta, () => signInWithPasswordIn(db, raw, meta, policy));
}

/** Sign-in runs outside the wrapper: its audit rows still record the browser (issue 9). */
function withMetaContext<T>(meta: Meta, fn: () => Promise<T>): Promise<T> {
  if (requestContext()) return fn();
  return withRequestContext({ actorId: null, sessionId: null, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 512) ?? null, via: "public" }, fn);
}

async function signInWithPasswordIn(db: Db, raw: unknown, meta: Meta, policy: SessionPolicy): Promise<SignInResult> {
  const sso = await passwordRefusedFor(db, raw);
  if (sso && !sso.exempt) {
    await recordAuditNow(db, { tenantId: sso.tenantId, actorId: sso.userId, action: "auth.sign_in_refused", targetType: "email", targetId: sso.email, ip: meta.ip ?? null, details: { reason: "sso_required", connectionId: sso.connectionId } });
    return { ok: false, message: SSO_REQUIRED(sso.connectionName) };
  }
  const result = await passwordSignIn(db, raw, meta, policy);
  // A break-glass owner's failed attempt gets the same answer as everyone else in the domain, so
  // the answer doesn't tell who is exempt.
  return sso && !result.ok && !result.next ? { ok: false, message: SSO_REQUIRED(sso.connectionName) } : result;
}

export const SSO_REQUIRED = (idp: string) => `Your organisation signs in with ${idp}. Use "Continue with SSO" instead of a password.`;

/**
 * Does the email's verified domain require SSO (issue 12)? Then the password is refused — except for
 * the tenant's owners when the domain lets them keep a password (break-glass).
 */
async function passwordRefusedFor(db: Db, raw: unknown) {
  const email = signInSchema.shape.email.safeParse((raw as { email?: unknown } | null)?.email);
  if (!email.success) return null;
  const domain = await db.tenantDomain.findFirst({
    where: { verifiedDomain: email.data.slice(email.data.lastIndexOf("@") + 1), requireSso: true, ssoConnection: { enabled: true } },
    select: { tenantId: true, ownersMayUsePassword: true, ssoConnection: { select: { id: true, name: true } } },
  });
  if (!domain?.ssoConnection) return null;
  const user = await db.user.findUnique({ where: { email: email.data }, select: { id: true } });
  const exempt =
    !!user &&
    domain.ownersMayUsePassword &&
    (await db.roleBinding.count({ where: { userId: user.id, roleId: { in: [...OWNER_ROLE_IDS] }, pending: false, node: { rootId: domain.tenantId } } })) > 0;
  return { tenantId: domain.tenantId, userId: user?.id ?? null, email: email.data, connectionId: domain.ssoConnection.id, connectionName: domain.ssoConnection.name, exempt };
}

async function passwordSignIn(db: Db, raw: unknown, meta: Meta, policy: SessionPolicy): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? BAD_CREDENTIALS };
  const { email, password } = parsed.data;

  const ipLimit = await consume("signInIp", meta.ip ?? "unknown");
  if (!ipLimit.ok) return { ok: false, message: waitMessage(ipLimit.retryAfterSeconds) };
  const accountLimit = await isLimited("signInAccount", email);

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, name: true, email: true, passwordHash: true, status: true, lockedUntil: true, failedLoginCount: true, totpEnabledAt: true, passwordChangedAt: true },
  });
  const passwordOk = await verifyPassword(user?.passwordHash, password);
  const now = new Date();
  if (!accountLimit.ok) {
    if (user) await auditForUserNow(db, user.id, { actorId: null, action: "auth.sign_in_refused", ip: meta.ip, details: { reason: "rate_limited" } });
    return { ok: false, message: LOCKED };
  }
  const locked = !!user?.lockedUntil && user.lockedUntil > now;
  if (!user || !passwordOk || user.status !== "ACTIVE" || locked) {
    // The answer depends only on this email's failure count (the per-account rate limit), which an
    // unknown email has too: the tenant's lockout (limit 3 to 20) locks the account, alerts the
    // person and their admins, and refuses even the right password, but never changes the message,
    // or it would tell a stranger that the email has an account.
    const after = await consume("signInAccount", email);
    if (locked) {
      await auditForUserNow(db, user.id, { actorId: null, action: "auth.sign_in_refused", ip: meta.ip, details: { reason: "locked" } });
    } else if (user && user.status === "ACTIVE") {
      await db.$transaction((tx: Tx) => recordPasswordFailure(tx, user, meta, { action: "auth.sign_in_failed", details: { reason: "password" }, attempts: "failed sign-in attempts" }));
    } else {
      await recordAuditNow(db, { tenantId: null, actorId: user?.id ?? null, action: "auth.sign_in_failed", targetType: "email", targetId: email, ip: meta.ip ?? null, details: { reason: user ? "inactive" : "unknown" } });
    }
    return { ok: false, message: after.ok && after.remaining > 0 ? BAD_CREDENTIALS : LOCKED };
  }

  const pol = await userPolicy(db, user.id);
  const ipCheck = ipAllowed(pol, meta.ip, (ip, cidrs) => ipInAny(ip, cidrs));
  if (!ipCheck.ok) {
    await recordAuditNow(db, { tenantId: ipCheck.tenantId, actorId: user.id, action: "auth.ip_blocked", targetType: "user", targetId: user.id, ip: meta.ip ?? null, details: { stage: "sign_in" } });
    return { ok: false, message: IP_BLOCKED };
  }
  if (user.failedLoginCount > 0) await db.user.update({ where: { id: user.id }, data: { failedLoginCount: 0 } });
  if (passwordExpired(pol.password, user.passwordChangedAt, now)) await db.user.update({ where: { id: user.id }, data: { mustChangePassword: true } });

  if (user.totpEnabledAt || pol.twoFactorRequired) {
    const enrol = !user.totpEnabledAt;
    const challenge = await issueToken(db, { userId: user.id, kind: "SIGN_IN", ttlMs: CHALLENGE_TTL_MS, details: { enrol } satisfies ChallengeDetails });
    return { ok: false, message: enrol ? "Set up two-factor authentication to continue." : "Enter your two-factor code to continue.", next: enrol ? "enrol" : "two_factor", challenge: challenge.token };
  }
  return openSession(db, user, meta, policy, pol, "password");
}

/**
 * A sign-in proved by an identity provider (issue 12): the same checks and session as a password
 * sign-in from here on — account active, the tenants' IP ranges, concurrent-session limit, timeouts.
 * The IdP is responsible for the second factor.
 */
export async function openIdentitySession(db: Db, userId: string, meta: Meta, policy: SessionPolicy, method: string): Promise<SignInResult> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true, status: true, deletedAt: true } });
  if (!user || user.status !== "ACTIVE" || user.deletedAt) return { ok: false, message: "Your account is disabled. Ask your administrator." };
  const pol = await userPolicy(db, user.id);
  const ipCheck = ipAllowed(pol, meta.ip, (ip, cidrs) => ipInAny(ip, cidrs));
  if (!ipCheck.ok) {
    await recordAuditNow(db, { tenantId: ipCheck.tenantId, actorId: user.id, action: "auth.ip_blocked", targetType: "user", targetId: user.id, ip: meta.ip ?? null, details: { stage: "sign_in", method } });
    return { ok: false, message: IP_BLOCKED };
  }
  return openSession(db, user, meta, policy, pol, method);
}

/** Opens the server-side session, applying the concurrent-session limit and the tenant's timeouts. */
async function openSession(db: Db, user: { id: string; name: string; email: string }, meta: Meta, envPolicy: SessionPolicy, pol: UserPolicy, method: string): Promise<SignInResult> {
  return db.$transaction(async (tx) => {
    const now = new Date();
    if (pol.maxConcurrent > 0) {
      const live = (await tx.session.findMany({ where: { userId: user.id, revokedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "asc" }, select: { id: true, lastSeenAt: true, idleMinutes: true } }))
        .filter((s) => now.getTime() - s.lastSeenAt.getTime() <= (s.idleMinutes ?? envPolicy.idleMinutes) * 60_000);
      if (live.length >= pol.maxConcurrent) {
        if (pol.onLimit === "refuse") {
          await auditForUser(tx, user.id, { actorId: user.id, action: "auth.sign_in_refused", ip: meta.ip, details: { reason: "session_limit", limit: pol.maxConcurrent } });
          return { ok: false as const, message: SESSION_LIMIT(live.length) };
        }
        const oldest = live.slice(0, live.length - pol.maxConcurrent + 1).map((s) => s.id);
        await tx.session.updateMany({ where: { id: { in: oldest } }, data: { revokedAt: now, revokedReason: "signed out: session limit" } });
      }
    }
    const hasTenant = pol.tenantIds.length > 0;
    const sessionId = await createSession(
      tx,
      { userId: user.id, ip: meta.ip, userAgent: meta.userAgent, idleMinutes: hasTenant ? pol.idleMinutes : null },
      { idleMinutes: envPolicy.idleMinutes, absoluteHours: hasTenant ? Math.min(pol.absoluteHours, envPolicy.absoluteHours) : envPolicy.absoluteHours },
      now,
    );
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now, failedLoginCount: 0 } });
    await auditForUser(tx, user.id, { actorId: user.id, action: "auth.sign_in", ip: meta.ip, details: { method }, tenantIds: pol.tenantIds });
    return { ok: true as const, userId: user.id, sessionId, name: user.name, email: user.email };
  });
}

export const challengeSchema = z.object({
  challenge: z.string({ error: CHALLENGE_EXPIRED }).min(1, CHALLENGE_EXPIRED).max(200, CHALLENGE_EXPIRED),
  method: z.enum(["totp", "recovery", "email", "enrolled"], { error: "Choose how to confirm it's you." }),
  code: z.string().trim().max(40, "That code is too long.").default(""),
});

/** Why a challenge can't be used: `too_many_codes` is a rate limit; `used`, and `expired` (also unknown or replaced), a stale step. */
type ChallengeRefusal = "used" | "expired" | "too_many_codes";

const refused = (reason: ChallengeRefusal, message: string) => ({ ok: false as const, reason, message });

async function loadChallenge(db: Db | Tx, token: string) {
  const check = await checkToken(db, ["SIGN_IN"], token);
  if (!check.ok) return check.reason === "used" ? refused("used", CHALLENGE_USED) : refused("expired", CHALLENGE_EXPIRED);
  if (check.row.attempts >= MAX_CODE_ATTEMPTS) return refused("too_many_codes", TOO_MANY_CODES);
  return { ok: true as const, row: check.row, details: (check.row.details ?? {}) as ChallengeDetails };
}

/** Step 2: the second factor (TOTP, a recovery code or an email code), then the session. */
export async function completeSignInChallenge(db: Db, raw: unknown, meta: Meta, policy: SessionPolicy): Promise<SignInResult> {
  return withMetaContext(meta, () => completeSignInChallengeIn(db, raw, meta, policy));
}

async function completeSignInChallengeIn(db: Db, raw: unknown, meta: Meta, policy: SessionPolicy): Promise<SignInResult> {
  const parsed = challengeSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? CHALLENGE_EXPIRED };
  const { challenge, method, code } = parsed.data;
  const ipLimit = await consume("codeIp", meta.ip ?? "unknown");
  if (!ipLimit.ok) return { ok: false, message: waitMessage(ipLimit.retryAfterSeconds) };
  const loaded = await loadChallenge(db, challenge);
  if (!loaded.ok) return { ok: false, message: loaded.message };
  const { row, details } = loaded;
  const userId = row.userId;

  let ok = false;
  let wrong: string = TWO_FACTOR_MESSAGES.totp;
  if (method === "enrolled") {
    ok = details.verified === true;
    wrong = "Finish setting up two-factor authentication first.";
  } else if (details.enrol) {
    return { ok: false, message: "Set up two-factor authentication to continue." };
  } else if (method === "totp") {
    if (!/^\d{6}$/.test(code.replace(/\s+/g, ""))) return { ok: false, message: TWO_FACTOR_MESSAGES.format };
    ok = await verifyUserTotp(db, userId, code);
  } else if (method === "recovery") {
    wrong = TWO_FACTOR_MESSAGES.recovery;
    if (!code) return { ok: false, message: "Enter one of your recovery codes." };
    ok = await useRecoveryCode(db, userId, code);
  } else {
    wrong = TWO_FACTOR_MESSAGES.email;
    if (!/^\d{6}$/.test(code)) return { ok: false, message: TWO_FACTOR_MESSAGES.format };
    if (!details.emailCodeHash) return { ok: false, message: "Send a code to your email first." };
    if (!details.emailCodeExpiresAt || new Date(details.emailCodeExpiresAt) <= new Date()) return { ok: false, message: TWO_FACTOR_MESSAGES.emailExpired };
    ok = safeEqual(details.emailCodeHash, sha256(`${row.id}:${code}`));
  }
  if (!ok) {
    const updated = await db.accountToken.update({ where: { id: row.id }, data: { attempts: { increment: 1 } }, select: { attempts: true } });
    await auditForUserNow(db, userId, { actorId: null, action: "auth.2fa_failed", ip: meta.ip, details: { method } });
    return { ok: false, message: updated.attempts >= MAX_CODE_ATTEMPTS ? TOO_MANY_CODES : wrong };
  }
  if (!(await useToken(db, row.id))) return { ok: false, message: CHALLENGE_USED };
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, name: true, email: true, status: true } });
  if (user.status !== "ACTIVE") return { ok: false, message: BAD_CREDENTIALS };
  const pol = await userPolicy(db, userId);
  const ipCheck = ipAllowed(pol, meta.ip, (ip, cidrs) => ipInAny(ip, cidrs));
  if (!ipCheck.ok) return { ok: false, message: IP_BLOCKED };
  if (method === "recovery") {
    const left = await recoveryCodesLeft(db, userId);
    await auditForUserNow(db, userId, { actorId: userId, action: "auth.recovery_code_used", ip: meta.ip, details: { left } });
    await enqueueEmail(db, user.email, "security_alert", securityAlertEmail({
      name: user.name,
      title: "a recovery code was used",
      lines: [`A recovery code was just used to sign in to your account. You have ${left} left.`, "If this wasn't you, reset your password and tell your administrator."],
    }));
  }
  return openSession(db, user, meta, policy, pol, method === "enrolled" ? "totp_enrolment" : method);
}

/** Enrolment during sign-in (the tenant requires 2FA): a new secret and its QR code. */
export async function startChallengeEnrolment(db: Db, challenge: string): Promise<{ ok: true; qrDataUrl: string; secret: string; uri: string } | { ok: false; message: string }> {
  const loaded = await loadChallenge(db, challenge);
  if (!loaded.ok) return { ok: false, message: loaded.message };
  if (!loaded.details.enrol) return { ok: false, message: "Two-factor authentication is already set up." };
  const user = await db.user.findUniqueOrThrow({ where: { id: loaded.row.userId }, select: { email: true } });
  const setup = loaded.details.pendingSecret ? await totpSetup(user.email, decryptSecret(loaded.details.pendingSecret)) : await totpSetup(user.email);
  if (!loaded.details.pendingSecret) {
    await db.accountToken.update({ where: { id: loaded.row.id }, data: { details: { ...loaded.details, pendingSecret: encryptSecret(setup.secret) } } });
  }
  return { ok: true, ...setup };
}

/** Confirms enrolment during sign-in with a code from the app; returns the recovery codes. */
export async function confirmChallengeEnrolment(db: Db, challenge: string, code: string, meta: Meta): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; message: string }> {
  const loaded = await loadChallenge(db, challenge);
  if (!loaded.ok) return { ok: false, message: loaded.message };
  const { row, details } = loaded;
  if (!details.enrol || !details.pendingSecret) return { ok: false, message: "Start the setup again: scan the QR code first." };
  if (!/^\d{6}$/.test(code.replace(/\s+/g, ""))) return { ok: false, message: TWO_FACTOR_MESSAGES.format };
  return db.$transaction(async (tx) => {
    const result = await enableTotp(tx, row.userId, decryptSecret(details.pendingSecret!), code, meta);
    if (!result.ok) {
      await tx.accountToken.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
      return result;
    }
    await tx.accountToken.update({ where: { id: row.id }, data: { details: { enrol: true, verified: true } } });
    return result;
  });
}

/** Sends a 6-digit code by email for this sign-in (the alternative to the authenticator app). */
export async function sendChallengeEmailCode(db: Db, challenge: string, meta: Meta): Promise<{ ok: true } | { ok: false; code: "rate_limited" | "conflict"; message: string }> {
  const loaded = await loadChallenge(db, challenge);
  if (!loaded.ok) return { ok: false, code: loaded.reason === "too_many_codes" ? "rate_limited" : "conflict", message: loaded.message };
  if (loaded.details.enrol) return { ok: false, code: "conflict", message: "Set up two-factor authentication to continue." };
  const limit = await consume("codeSend", loaded.row.userId);
  if (!limit.ok) return { ok: false, code: "rate_limited", message: waitMessage(limit.retryAfterSeconds) };
  const user = await db.user.findUniqueOrThrow({ where: { id: loaded.row.userId }, select: { email: true, name: true } });
  const code = newEmailCode();
  await db.$transaction(async (tx) => {
    await tx.accountToken.update({
      where: { id: loaded.row.id },
      data: { details: { ...loaded.details, emailCodeHash: sha256(`${loaded.row.id}:${code}`), emailCodeExpiresAt: new Date(Date.now() + EMAIL_CODE_TTL_MINUTES * 60_000).toISOString() } },
    });
    await enqueueEmail(tx, user.email, "sign_in_code", signInCodeEmail({ name: user.name, code, ttlMinutes: EMAIL_CODE_TTL_MINUTES }));
    await auditForUser(tx, loaded.row.userId, { actorId: null, action: "auth.email_code_sent", ip: meta.ip });
  });
  return { ok: true };
}
