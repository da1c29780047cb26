import { AppError } from "../api/errors";
import { verifyPassword } from "../auth/password";
import type { Db, Tx } from "../db/client";
import { auditForUser } from "./audit";
import { userPolicy } from "./settings";
import { verifyUserTotp } from "./two-factor";

/**
 * Re-authentication before sensitive actions (changing roles, exporting data, viewing billing,
 * managing security settings): the person must have entered their password or a 2FA code within
 * the tenant's window (default 15 minutes). Callers put `await requireRecentAuth(tx, …)` first
 * in the handler; the client sees 403 with `fields.reauth` and shows the confirm dialog.
 */
export const REAUTH_REQUIRED = "For your security, confirm your password to continue.";

export async function requireRecentAuth(db: Db | Tx, input: { userId: string; sessionId: string | null }, now = new Date()): Promise<void> {
  if (!input.sessionId) throw new AppError("unauthenticated", "Sign in to continue.");
  const session = await db.session.findUnique({ where: { id: input.sessionId }, select: { reauthAt: true, userId: true } });
  const policy = await userPolicy(db, input.userId);
  if (!session || session.userId !== input.userId || !session.reauthAt || now.getTime() - session.reauthAt.getTime() > policy.reauthMinutes * 60_000) {
    throw new AppError("forbidden", REAUTH_REQUIRED, { reauth: [REAUTH_REQUIRED] });
  }
}

/** Confirms the person with their password (or a TOTP code) and restarts the window. */
export async function reauthenticate(tx: Tx, input: { userId: string; sessionId: string; password?: string; code?: string; ip?: string | null }): Promise<void> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { passwordHash: true } });
  let ok = false;
  if (input.password) ok = await verifyPassword(user.passwordHash, input.password);
  else if (input.code) ok = await verifyUserTotp(tx, input.userId, input.code);
  if (!ok) {
    await auditForUser(tx, input.userId, { actorId: input.userId, action: "auth.reauth_failed", ip: input.ip });
    throw new AppError("invalid", "That didn't match. Try again.", input.password ? { password: ["That password is incorrect."] } : { code: ["That code didn't work."] });
  }
  await tx.session.update({ where: { id: input.sessionId }, data: { reauthAt: new Date() } });
}
