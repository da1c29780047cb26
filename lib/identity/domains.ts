import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { emailDomain } from "../members/accounts";
import { randomToken } from "../security/crypto";
import { txtLookup, type TxtLookup } from "./dns";

/**
 * A tenant's email domains: claimed (unverified) → verified by a DNS TXT record holding the token →
 * optionally "require SSO" through one of the tenant's connections. A verified domain makes the
 * tenant the manager of every account with that domain (lib/members/accounts.ts), so only one
 * tenant may hold a domain verified: the database refuses a second (unique `verified_domain`), and a
 * second claimant whose record checks out gets a 409 saying the domain is held elsewhere.
 */
export const TXT_PREFIX = "careaccess-verification=";

export const domainSchema = z
  .string({ error: "Enter a domain, like clinic.example." })
  .trim()
  .toLowerCase()
  .min(1, "Enter a domain, like clinic.example.")
  .max(253, "That domain is too long.")
  .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, "Enter a domain name only, like clinic.example (no @, no https://).");

export const DOMAIN_HELD_ELSEWHERE = "Another organisation has already verified this domain. Ask them to remove it, or contact CareAccess support.";

type Actor = { userId: string; ip: string | null };

export async function listDomains(db: Db | Tx, tenantId: string) {
  return db.tenantDomain.findMany({
    where: { tenantId },
    orderBy: { domain: "asc" },
    select: { domain: true, verifiedAt: true, verificationToken: true, lastCheckedAt: true, lastCheckError: true, requireSso: true, ownersMayUsePassword: true, ssoConnectionId: true, createdAt: true },
  });
}

export async function addDomain(tx: Tx, tenantId: string, domain: string, actor: Actor) {
  const existing = await tx.tenantDomain.findUnique({ where: { tenantId_domain: { tenantId, domain } } });
  if (existing) throw new AppError("conflict", "This domain is already on the list.", { domain: ["This domain is already on the list."] });
  const row = await tx.tenantDomain.create({ data: { tenantId, domain, verificationToken: randomToken(18) } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "domain.added", targetType: "domain", targetId: domain, ip: actor.ip, details: {} });
  return row;
}

/**
 * Looks up the TXT records of the domain and verifies it when one is `careaccess-verification=<token>`.
 * The lookup happens before the transaction (network), the result is written in it.
 */
export async function checkDomainTxt(domain: string, token: string, lookup: TxtLookup = txtLookup()): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const records = await lookup(domain);
    if (records.some((r) => r.trim() === `${TXT_PREFIX}${token}`)) return { ok: true };
    return { ok: false, error: records.length ? `No TXT record with ${TXT_PREFIX}${token} yet (found ${records.length} other record${records.length === 1 ? "" : "s"}). DNS changes can take a while to appear.` : `No TXT records found for ${domain} yet. DNS changes can take a while to appear.` };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export async function recordDomainCheck(tx: Tx, tenantId: string, domain: string, result: { ok: true } | { ok: false; error: string }, actor: Actor, now = new Date()) {
  const row = await tx.tenantDomain.findUnique({ where: { tenantId_domain: { tenantId, domain } } });
  if (!row) throw new AppError("not_found", "That domain isn't on the list.");
  if (row.verifiedAt) return { verified: true as const };
  if (!result.ok) {
    await tx.tenantDomain.update({ where: { tenantId_domain: { tenantId, domain } }, data: { lastCheckedAt: now, lastCheckError: result.error } });
    await recordAudit(tx, { tenantId, actorId: actor.userId, action: "domain.verification_failed", targetType: "domain", targetId: domain, ip: actor.ip, details: { error: result.error } });
    return { verified: false as const, error: result.error };
  }
  const holder = await tx.tenantDomain.findFirst({ where: { domain, verifiedAt: { not: null }, tenantId: { not: tenantId } }, select: { tenantId: true } });
  if (holder) throw new AppError("conflict", DOMAIN_HELD_ELSEWHERE, { domain: [DOMAIN_HELD_ELSEWHERE] });
  // The unique index on verified_domain is the real guard (two tenants verifying at once): P2002 → 409.
  await tx.tenantDomain.update({ where: { tenantId_domain: { tenantId, domain } }, data: { verifiedAt: now, lastCheckedAt: now, lastCheckError: null } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "domain.verified", targetType: "domain", targetId: domain, ip: actor.ip, details: { method: "dns_txt" } });
  return { verified: true as const };
}

export async function removeDomain(tx: Tx, tenantId: string, domain: string, actor: Actor) {
  const row = await tx.tenantDomain.findUnique({ where: { tenantId_domain: { tenantId, domain } } });
  if (!row) throw new AppError("not_found", "That domain isn't on the list.");
  await tx.tenantDomain.delete({ where: { tenantId_domain: { tenantId, domain } } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "domain.removed", targetType: "domain", targetId: domain, ip: actor.ip, details: { wasVerified: !!row.verifiedAt } });
}

/** Which connection signs in this domain's people, and whether password sign-in is refused for them. */
export async function setDomainSso(tx: Tx, tenantId: string, input: { domain: string; connectionId: string | null; requireSso: boolean }, actor: Actor) {
  const row = await tx.tenantDomain.findUnique({ where: { tenantId_domain: { tenantId, domain: input.domain } } });
  if (!row) throw new AppError("not_found", "That domain isn't on the list.");
  if (!row.verifiedAt) throw new AppError("conflict", "Verify the domain before using it for single sign-on.", { domain: ["Verify the domain before using it for single sign-on."] });
  if (input.connectionId) {
    const conn = await tx.ssoConnection.findFirst({ where: { id: input.connectionId, tenantId }, select: { id: true } });
    if (!conn) throw new AppError("invalid", "Choose one of this organisation's connections.", { connectionId: ["Choose one of this organisation's connections."] });
  }
  if (input.requireSso && !input.connectionId) throw new AppError("invalid", "Choose the connection people of this domain sign in with.", { connectionId: ["Choose the connection people of this domain sign in with."] });
  const before = { connectionId: row.ssoConnectionId, requireSso: row.requireSso };
  await tx.tenantDomain.update({ where: { tenantId_domain: { tenantId, domain: input.domain } }, data: { ssoConnectionId: input.connectionId, requireSso: input.requireSso } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "domain.sso_changed", targetType: "domain", targetId: input.domain, ip: actor.ip, details: { before, after: { connectionId: input.connectionId, requireSso: input.requireSso } } });
}

/** The verified domain row an email belongs to (whoever holds it), with its connection. */
export async function verifiedDomainOf(db: Db | Tx, email: string) {
  return db.tenantDomain.findFirst({
    where: { verifiedDomain: emailDomain(email) },
    select: { tenantId: true, domain: true, requireSso: true, ssoConnection: { select: { id: true, name: true, kind: true, enabled: true, tenantId: true } } },
  });
}
