import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { randomToken, sha256 } from "../security/crypto";

/**
 * SCIM bearer tokens, one or more per tenant: `scim_<43 random chars>`, shown once when created;
 * only the SHA-256 is stored (with an 8-character prefix to tell them apart), revocable at once.
 */
export const scimTokenNameSchema = z.string({ error: "Name the token, e.g. the IdP that uses it." }).trim().min(1, "Name the token, e.g. the IdP that uses it.").max(100, "Keep the name under 100 characters.");

const TOUCH_EVERY_MS = 60_000;

export async function createScimToken(tx: Tx, tenantId: string, name: string, actor: { userId: string; ip: string | null }) {
  const token = `scim_${randomToken()}`;
  const row = await tx.scimToken.create({ data: { tenantId, name, tokenHash: sha256(token), prefix: token.slice(0, 13), createdById: actor.userId } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "scim_token.created", targetType: "scim_token", targetId: row.id, ip: actor.ip, details: { name, prefix: row.prefix } });
  return { id: row.id, name, prefix: row.prefix, token };
}

export async function revokeScimToken(tx: Tx, tenantId: string, id: string, actor: { userId: string; ip: string | null }) {
  const row = await tx.scimToken.findFirst({ where: { id, tenantId, revokedAt: null } });
  if (!row) throw new AppError("not_found", "That token was not found.");
  await tx.scimToken.update({ where: { id }, data: { revokedAt: new Date() } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "scim_token.revoked", targetType: "scim_token", targetId: id, ip: actor.ip, details: { name: row.name, prefix: row.prefix } });
}

export async function listScimTokens(db: Db | Tx, tenantId: string) {
  return db.scimToken.findMany({ where: { tenantId, revokedAt: null }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true } });
}

/** The tenant a presented token belongs to; 401 (the same answer) for a missing, unknown or revoked one. */
export async function authenticateScimToken(db: Db, bearer: string | null, now = new Date()): Promise<{ tenantId: string; tokenId: string }> {
  const refused = new AppError("unauthenticated", "A valid SCIM bearer token is required.");
  if (!bearer || !bearer.startsWith("scim_") || bearer.length > 200) throw refused;
  const row = await db.scimToken.findUnique({ where: { tokenHash: sha256(bearer) }, select: { id: true, tenantId: true, revokedAt: true, lastUsedAt: true, tenant: { select: { archivedAt: true } } } });
  if (!row || row.revokedAt || row.tenant.archivedAt) throw refused;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) await db.scimToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  return { tenantId: row.tenantId, tokenId: row.id };
}
