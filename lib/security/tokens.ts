import type { Db, Tx } from "../db/client";
import type { AccountTokenKind } from "../db/generated/enums";
import { randomToken, sha256 } from "./crypto";

/**
 * Single-use tokens for links in emails (invitations, activation, password resets) and for the
 * steps of sign-in. The raw token goes to the person; the database keeps only its SHA-256. Issuing
 * a new token replaces the person's earlier unused ones of the same family, so only the newest
 * link works. Every way a link can fail has its own message.
 */
export type TokenFailure = "invalid" | "expired" | "used" | "replaced";

const FAMILY: Record<AccountTokenKind, AccountTokenKind[]> = {
  INVITE: ["INVITE", "ACTIVATION"],
  ACTIVATION: ["INVITE", "ACTIVATION"],
  RESET: ["RESET"],
  SIGN_IN: ["SIGN_IN"],
  EMAIL_CODE: ["EMAIL_CODE"],
};

export const TOKEN_MESSAGES: Record<"INVITE" | "RESET", Record<TokenFailure, string>> = {
  INVITE: {
    invalid: "This invitation link is not valid. Check that you copied the whole link from the email.",
    expired: "This invitation has expired. Ask your administrator to send you a new one.",
    used: "This invitation has already been used. Sign in with your email address and password.",
    replaced: "This invitation was replaced by a newer one. Use the link in the most recent email we sent you.",
  },
  RESET: {
    invalid: "This password reset link is not valid. Check that you copied the whole link from the email.",
    expired: "This password reset link has expired. Request a new one below.",
    used: "This password reset link has already been used. Request a new one if you still need to reset your password.",
    replaced: "This password reset link was replaced by a newer one. Use the link in the most recent email we sent you.",
  },
};

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date;
}

export async function issueToken(
  tx: Tx | Db,
  input: { userId: string; kind: AccountTokenKind; ttlMs: number; tenantId?: string | null; createdById?: string | null; details?: Record<string, unknown>; token?: string },
  now = new Date(),
): Promise<IssuedToken> {
  await tx.accountToken.updateMany({
    // Invitations from different tenants stand side by side; a newer one from the same tenant replaces the older.
    where: { userId: input.userId, kind: { in: FAMILY[input.kind] }, usedAt: null, replacedAt: null, ...(input.kind === "INVITE" ? { tenantId: input.tenantId ?? null } : {}) },
    data: { replacedAt: now },
  });
  const token = input.token ?? randomToken();
  const expiresAt = new Date(now.getTime() + input.ttlMs);
  const row = await tx.accountToken.create({
    data: {
      userId: input.userId,
      kind: input.kind,
      tokenHash: sha256(token),
      tenantId: input.tenantId ?? null,
      createdById: input.createdById ?? null,
      details: (input.details ?? {}) as object,
      expiresAt,
      createdAt: now,
    },
    select: { id: true },
  });
  return { id: row.id, token, expiresAt };
}

export type TokenRow = NonNullable<Awaited<ReturnType<Db["accountToken"]["findUnique"]>>>;
export type TokenCheck = { ok: true; row: TokenRow } | { ok: false; reason: TokenFailure };

/** Finds a token of one of `kinds` and says whether it can still be used. Doesn't use it up. */
export async function checkToken(db: Db | Tx, kinds: AccountTokenKind[], raw: unknown, now = new Date()): Promise<TokenCheck> {
  if (typeof raw !== "string" || !/^[A-Za-z0-9_-]{20,200}$/.test(raw)) return { ok: false, reason: "invalid" };
  const row = await db.accountToken.findUnique({ where: { tokenHash: sha256(raw) } });
  if (!row || !kinds.includes(row.kind)) return { ok: false, reason: "invalid" };
  if (row.usedAt) return { ok: false, reason: "used" };
  if (row.replacedAt) return { ok: false, reason: "replaced" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, row };
}

/** Marks a token used; false if someone else used it first (two tabs, a replayed request). */
export async function useToken(tx: Tx | Db, id: string, now = new Date()): Promise<boolean> {
  const { count } = await tx.accountToken.updateMany({ where: { id, usedAt: null, replacedAt: null }, data: { usedAt: now } });
  return count === 1;
}
