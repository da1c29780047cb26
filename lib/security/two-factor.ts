import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { randomBytes, randomInt } from "node:crypto";
import type { Db, Tx } from "../db/client";
import { auditForUser } from "./audit";
import { decryptSecret, encryptSecret, sha256 } from "./crypto";

/**
 * Two-factor authentication: TOTP (otplib, RFC 6238, 30-second steps, ±1 step of clock drift,
 * a code can't be used twice), one-time recovery codes (SHA-256 hashed) and email codes.
 * The TOTP secret is stored AES-256-GCM encrypted (crypto.ts).
 */
export const ISSUER = "CareAccess";
export const RECOVERY_CODE_COUNT = 10;

export const TWO_FACTOR_MESSAGES = {
  totp: "That code didn't work. Enter the 6-digit code your authenticator app shows now.",
  recovery: "That recovery code didn't work, or it has already been used.",
  email: "That code didn't work. Enter the 6-digit code from the most recent email we sent you.",
  emailExpired: "That email code has expired. Send a new one.",
  format: "Enter the 6-digit code.",
} as const;

export async function totpSetup(email: string, secret = generateSecret()): Promise<{ secret: string; uri: string; qrDataUrl: string }> {
  const uri = generateURI({ issuer: ISSUER, label: email, secret });
  const qrDataUrl = await QRCode.toDataURL(uri, { margin: 1, width: 220, errorCorrectionLevel: "M" });
  return { secret, uri, qrDataUrl };
}

const sixDigits = (code: string) => code.replace(/\s+/g, "");

/** Checks a code against an (encrypted) secret; returns the matched time step, or null. */
export async function checkTotp(encryptedSecret: string, code: string, afterTimeStep?: number | null): Promise<number | null> {
  const token = sixDigits(code);
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const result = await verify({ secret: decryptSecret(encryptedSecret), token, epochTolerance: 30, ...(afterTimeStep != null ? { afterTimeStep } : {}) });
    return result.valid ? ((result as { timeStep?: number }).timeStep ?? Math.floor(Date.now() / 30_000)) : null;
  } catch {
    return null;
  }
}

/** Verifies a code for a person with TOTP on, and remembers its step so it can't be replayed. */
export async function verifyUserTotp(tx: Tx | Db, userId: string, code: string): Promise<boolean> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { totpSecret: true, totpEnabledAt: true, totpLastStep: true } });
  if (!user?.totpSecret || !user.totpEnabledAt) return false;
  const step = await checkTotp(user.totpSecret, code, user.totpLastStep);
  if (step === null) return false;
  const { count } = await tx.user.updateMany({ where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } });
  return count === 1;
}

export function newRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: n }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5, 10)}`;
  });
}

const normalizeRecovery = (code: string) => code.trim().toLowerCase().replace(/[\s-]+/g, "");

/** Replaces the person's recovery codes with new ones; returns them (shown once). */
export async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: sha256(normalizeRecovery(c)) })) });
  return codes;
}

export async function useRecoveryCode(tx: Tx | Db, userId: string, code: string): Promise<boolean> {
  const hash = sha256(normalizeRecovery(code));
  const { count } = await tx.recoveryCode.updateMany({ where: { userId, codeHash: hash, usedAt: null }, data: { usedAt: new Date() } });
  return count === 1;
}

export async function recoveryCodesLeft(db: Db | Tx, userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}

/** Turns TOTP on with a secret the person has just proven (a code from it); returns recovery codes. */
export async function enableTotp(tx: Tx, userId: string, secret: string, code: string, meta: { ip?: string | null } = {}): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; message: string }> {
  const encrypted = encryptSecret(secret);
  const step = await checkTotp(encrypted, code);
  if (step === null) return { ok: false, message: TWO_FACTOR_MESSAGES.totp };
  await tx.user.update({ where: { id: userId }, data: { totpSecret: encrypted, totpEnabledAt: new Date(), totpLastStep: step } });
  const recoveryCodes = await replaceRecoveryCodes(tx, userId);
  await auditForUser(tx, userId, { actorId: userId, action: "auth.2fa_enabled", ip: meta.ip, details: { method: "totp" } });
  return { ok: true, recoveryCodes };
}

export async function disableTotp(tx: Tx, userId: string, byUserId: string, meta: { ip?: string | null } = {}): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await auditForUser(tx, userId, { actorId: byUserId, action: "auth.2fa_disabled", ip: meta.ip });
}

export function newEmailCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}
