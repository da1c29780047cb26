import { AppError, rateLimited } from "../api/errors";
import { verifyPassword } from "../auth/password";
import type { Db, Tx } from "../db/client";
import { auditForUserNow } from "./audit";
import { recordPasswordFailure } from "./lockout";
import { consume, isLimited, waitMessage } from "./rate-limit";
import { userPolicy } from "./settings";
import { verifyUserTotp } from "./two-factor";

/**
 * Re-authentication before sensitive actions (changing roles, exporting data, viewing billing,
 * managing security settings): the person must have entered their password or a 2FA code within
 * the tenant's window (default 15 minutes). Callers put `await requireRecentAuth(tx, …)` first
 * in the handler; the client sees 403 with `fields.reauth` and shows the confirm dialog.
 */
export const REAUTH_REQUIRED = "For your security, confirm your password to continue.";
export const ACCOUNT_LOCKED = (seconds: number) => {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Your account is locked after too many failed attempts. Wait ${minutes === 1 ? "a minute" : `${minutes} minutes`} and try again, or ask an administrator to unlock it.`;
};

/** The handler's hook for writes that must outlive its rolled-back transaction (lib/api/handler.ts). */
export type AfterRollback = (fn: (db: Db) => Promise<void>) => void;

export async function requireRecentAuth(db: Db | Tx, input: { userId: string; sessionId: string | null }, now = new Date()): Promise<void> {
  if (!input.sessionId) throw new AppError("unauthenticated", "Sign in to continue.");
  const session = await db.session.findUnique({ where: { id: input.sessionId }, select: { reauthAt: true, userId: true } });
  const policy = await userPolicy(db, input.userId);
  if (!session || session.userId !== input.userId || !session.reauthAt || now.getTime() - session.reauthAt.getTime() > policy.reauthMinutes * 60_000) {
    throw new AppError("forbidden", REAUTH_REQUIRED, { reauth: [REAUTH_REQUIRED] });
  }
}

/**
 * Before checking a password or code from a signed-in person (re-authentication, password change):
 * 429 with `Retry-After` while they have used up their attempts (5 wrong in 15 minutes, every
 * session of theirs counted together) or their account is locked (the sign-in lockout), even when
 * this attempt would be right.
 */
export async function assertConfirmAllowed(db: Db | Tx, userId: string, now = new Date()): Promise<void> {
  const limit = await isLimited("reauth", userId);
  if (!limit.ok) throw rateLimited(waitMessage(limit.retryAfterSeconds), limit.retryAfterSeconds);
  const user = await db.user.findUnique({ where: { id: userId }, select: { lockedUntil: true } });
  if (user?.lockedUntil && user.lockedUntil > now) {
    const seconds = (user.lockedUntil.getTime() - now.getTime()) / 1000;
    throw rateLimited(ACCOUNT_LOCKED(seconds), seconds);
  }
}

/**
 * A wrong password or code: uses one attempt now; once the request's transaction has rolled back
 * (the caller throws next), records `action` in the audit log in its own committed transaction,
 * and a wrong password also counts towards the account lockout, as at sign-in.
 */
export async function confirmFailed(afterRollback: AfterRollback, input: { userId: string; action: string; method: "password" | "code"; ip?: string | null }): Promise<void> {
  await consume("reauth", input.userId);
  afterRollback(async (db) => {
    if (input.method === "code") return auditForUserNow(db, input.userId, { actorId: input.userId, action: input.action, ip: input.ip, details: { method: "code" } });
    await db.$transaction(async (tx: Tx) => {
      const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { id: true, email: true, name: true } });
      await recordPasswordFailure(tx, user, { ip: input.ip }, { action: input.action, details: { method: "password" }, attempts: "wrong passwords" });
    });
  });
}

/** Confirms the person with their password (or a TOTP code) and restarts the window. */
export async function reauthenticate(tx: Tx, input: { userId: string; sessionId: string; password?: string; code?: string; ip?: string | null }, afterRollback: AfterRollback): Promise<void> {
  await assertConfirmAllowed(tx, input.userId);
  const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { passwordHash: true, failedLoginCount: true } });
  let ok = false;
  if (input.password) ok = await verifyPassword(user.passwordHash, input.password);
  else if (input.code) ok = await verifyUserTotp(tx, input.userId, input.code);
  if (!ok) {
    await confirmFailed(afterRollback, { userId: input.userId, action: "auth.reauth_failed", method: input.password ? "password" : "code", ip: input.ip });
    throw new AppError("invalid", "That didn't match. Try again.", input.password ? { password: ["That password is incorrect."] } : { code: ["That code didn't work."] });
  }
  if (user.failedLoginCount > 0) await tx.user.update({ where: { id: input.userId }, data: { failedLoginCount: 0 } });
  await tx.session.update({ where: { id: input.sessionId }, data: { reauthAt: new Date() } });
}
