import { AppError } from "../api/errors";
import { verifyPassword } from "../auth/password";
import type { Tx } from "../db/client";
import { escapeLike } from "../db/like";
import { enqueueEmail } from "../email/outbox";
import { securityAlertEmail } from "../email/templates";
import { assertAcceptablePassword, endSessions } from "./account-admin";
import { auditForUser } from "./audit";
import { decryptSecret, encryptSecret } from "./crypto";
import { storePassword } from "./password-policy";
import { assertConfirmAllowed, confirmFailed, requireRecentAuth, type AfterRollback } from "./reauth";
import { userPolicy } from "./settings";
import { disableTotp, enableTotp, recoveryCodesLeft, totpSetup } from "./two-factor";

/**
 * "Your account" (/account, /api/account/*): what a signed-in person does to their own account.
 * Each takes the person (and their session) from the entry point's context, never from input.
 */
interface Me {
  userId: string;
  sessionId: string;
  ip?: string | null;
}

/**
 * Change your own password: the current one must match. Other devices are signed out; this one
 * counts as just re-authenticated. A wrong current password counts like a wrong re-authentication.
 */
export async function changeOwnPassword(tx: Tx, me: Me, input: { current: string; password: string }, afterRollback: AfterRollback): Promise<{ message: string }> {
  await assertConfirmAllowed(tx, me.userId);
  const row = await tx.user.findUniqueOrThrow({ where: { id: me.userId }, select: { passwordHash: true, email: true, name: true } });
  if (!(await verifyPassword(row.passwordHash, input.current))) {
    await confirmFailed(afterRollback, { userId: me.userId, action: "auth.password_change_failed", method: "password", ip: me.ip });
    throw new AppError("invalid", "Some fields need attention.", { current: ["Your current password is incorrect."] });
  }
  await assertAcceptablePassword(tx, me.userId, input.password);
  await storePassword(tx, me.userId, input.password);
  const ended = await endSessions(tx, { userId: me.userId, byUserId: me.userId, reason: "password changed", exceptSessionId: me.sessionId });
  await tx.session.update({ where: { id: me.sessionId }, data: { reauthAt: new Date() } });
  await enqueueEmail(
    tx,
    row.email,
    "security_alert",
    securityAlertEmail({ name: row.name, title: "your password was changed", lines: ["Your CareAccess password was just changed.", "If this wasn't you, reset your password and contact your administrator right away."] }),
  );
  await auditForUser(tx, me.userId, { actorId: me.userId, action: "auth.password_changed", ip: me.ip, details: { otherSessionsEnded: ended } });
  return { message: ended ? `Your password was changed, and ${ended} other ${ended === 1 ? "device was" : "devices were"} signed out.` : "Your password was changed." };
}

/** Whether two-factor is on, how many recovery codes are left, and whether a tenant requires it. */
export async function twoFactorStatus(tx: Tx, userId: string) {
  const row = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { totpEnabledAt: true } });
  return { enabled: !!row.totpEnabledAt, enabledAt: row.totpEnabledAt, recoveryCodesLeft: await recoveryCodesLeft(tx, userId), required: (await userPolicy(tx, userId)).twoFactorRequired };
}

/** Starts authenticator-app setup: a new secret (kept encrypted, not active until confirmed) and its QR code. */
export async function startTwoFactorSetup(tx: Tx, userId: string): Promise<{ qrDataUrl: string; secret: string }> {
  const row = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { totpEnabledAt: true, email: true } });
  if (row.totpEnabledAt) throw new AppError("conflict", "Two-factor authentication is already on. Turn it off first to set up a new app.");
  const setup = await totpSetup(row.email);
  await tx.user.update({ where: { id: userId }, data: { totpSecret: encryptSecret(setup.secret), totpLastStep: null } });
  return { qrDataUrl: setup.qrDataUrl, secret: setup.secret };
}

/** Confirms setup with a code from the app; answers the recovery codes (shown once). */
export async function confirmTwoFactorSetup(tx: Tx, me: Omit<Me, "sessionId">, code: string): Promise<{ recoveryCodes: string[] }> {
  const row = await tx.user.findUniqueOrThrow({ where: { id: me.userId }, select: { totpSecret: true, totpEnabledAt: true } });
  if (row.totpEnabledAt) throw new AppError("conflict", "Two-factor authentication is already on.");
  if (!row.totpSecret) throw new AppError("conflict", "Start the setup again: scan the QR code first.");
  const result = await enableTotp(tx, me.userId, decryptSecret(row.totpSecret), code, { ip: me.ip });
  if (!result.ok) throw new AppError("invalid", result.message, { code: [result.message] });
  return { recoveryCodes: result.recoveryCodes };
}

/** Turns two-factor off: needs a recent password check; refused when a tenant requires it. */
export async function turnOffTwoFactor(tx: Tx, me: Me): Promise<{ enabled: false }> {
  await requireRecentAuth(tx, { userId: me.userId, sessionId: me.sessionId });
  if ((await userPolicy(tx, me.userId)).twoFactorRequired) throw new AppError("forbidden", "Your organisation requires two-factor authentication, so it can't be turned off.");
  await disableTotp(tx, me.userId, me.userId, { ip: me.ip });
  return { enabled: false };
}

/**
 * Sign out one of your own sessions, named by the first 12 characters of its id (the full id is
 * the bearer secret inside the cookie and never leaves the server). Someone else's is "not found".
 */
export async function endOwnSession(tx: Tx, me: Me, shortId: string): Promise<{ ended: 1; current: boolean }> {
  const mine = await tx.session.findMany({ where: { userId: me.userId, revokedAt: null, id: { startsWith: escapeLike(shortId) } }, select: { id: true } });
  if (mine.length !== 1) throw new AppError("not_found", "That session was not found. It may have ended already.");
  const current = mine[0].id === me.sessionId;
  await tx.session.update({ where: { id: mine[0].id }, data: { revokedAt: new Date(), revokedReason: current ? "signed out" : "signed out from another device" } });
  await auditForUser(tx, me.userId, { actorId: me.userId, action: "auth.session_ended", ip: me.ip, details: { current } });
  return { ended: 1, current };
}
