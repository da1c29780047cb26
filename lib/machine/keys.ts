import ipaddr from "ipaddr.js";
import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { isPermission, PERMISSIONS, type Permission } from "../authz/catalogue";
import { indexByNode, isLive, lookupNode, type CompiledBinding, type Subject } from "../authz/subject";
import type { Db, Tx } from "../db/client";
import { randomToken, sha256 } from "../security/crypto";
import { DEFAULT_PER_MINUTE } from "./rate-limit";

/**
 * API keys (issue 13): `cak_<43 random chars>`, shown once; only the SHA-256 is stored, with a
 * 12-character prefix to tell keys apart. A key acts as its principal (a service account, or the
 * person who made it) but only with the permissions it was scoped to, and only while its creator
 * still holds them where the principal uses them: the key shrinks live with its creator.
 */

export const KEY_PREFIX = "cak_";
const KEY_PATTERN = /^cak_[A-Za-z0-9_-]{43}$/;
const TOUCH_EVERY_MS = 60_000;

/** The key in an Authorization header value, or null for anything that isn't one (never throws). */
export function parseBearer(header: unknown): string | null {
  if (typeof header !== "string" || header.length > 300) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : null;
}

/** True for a string shaped like an API key. */
export function isApiKey(value: unknown): value is string {
  return typeof value === "string" && KEY_PATTERN.test(value);
}

/** A CIDR range (or a single address) the key may be used from; normalised. */
export const ipRangeSchema = z
  .string()
  .trim()
  .max(64)
  .transform((value, ctx) => {
    try {
      const [addr, bits] = value.includes("/") ? ipaddr.parseCIDR(value) : [ipaddr.parse(value), undefined];
      const size = addr.kind() === "ipv4" ? 32 : 128;
      return `${addr.toString()}/${bits ?? size}`;
    } catch {
      ctx.addIssue({ code: "custom", message: `"${value.slice(0, 40)}" is not an IP address or CIDR range (e.g. 203.0.113.0/24).` });
      return z.NEVER;
    }
  });

export const createKeySchema = z.object({
  name: z.string({ error: "Name the key, e.g. the system that uses it." }).trim().min(1, "Name the key, e.g. the system that uses it.").max(100, "Keep the name under 100 characters."),
  permissions: z
    .array(z.string().refine(isPermission, "Not a permission of the catalogue."), { error: "Choose the permissions this key may use." })
    .min(1, "Choose at least one permission.")
    .max(PERMISSIONS.length)
    .transform((list) => [...new Set(list)] as Permission[]),
  serviceAccountId: z.uuid("Not a service account id.").nullish(),
  expiresAt: z.coerce.date({ error: "Not a date." }).nullish(),
  ipRanges: z.array(ipRangeSchema).max(20, "At most 20 ranges.").default([]),
  rateLimitPerMinute: z.number().int("A whole number.").min(1, "At least 1.").max(100_000, "At most 100000.").nullish(),
});
export type CreateKeyInput = z.infer<typeof createKeySchema>;

/** True when the subject holds the permission through a live binding at the node or above it. */
export function holdsAt(subject: Subject, permission: Permission, nodeId: string, now = Date.now()): boolean {
  const node = lookupNode(subject, nodeId);
  if (!node || node.archived) return false;
  for (const id of node.ancestors) for (const b of subject.byNode.get(id) ?? []) if (isLive(b, now) && b.grants.has(permission)) return true;
  return false;
}

/** True when the subject holds the permission anywhere in the tenant. */
export function holdsInTenant(subject: Subject, permission: Permission, tenantId: string, now = Date.now()): boolean {
  return subject.bindings.some((b) => b.rootId === tenantId && isLive(b, now) && b.grants.has(permission));
}

/**
 * The subject a key acts with: the principal's bindings in the key's tenant, each keeping only the
 * key's permissions that the creator still holds at that binding's place. Pure.
 */
export function restrictSubject(principal: Subject, creator: Subject, tenantId: string, permissions: readonly string[], now = Date.now()): Subject {
  const scope = new Set(permissions);
  const bindings: CompiledBinding[] = [];
  for (const b of principal.bindings) {
    if (b.rootId !== tenantId) continue;
    const grants = new Map([...b.grants].filter(([p]) => scope.has(p) && holdsAt(creator, p, b.nodeId, now)));
    // A key is never an owner: the owner rules protect people, not scripts.
    const restricted: CompiledBinding = { ...b, isOwner: false, grants };
    bindings.push(restricted);
  }
  return { userId: principal.userId, isPlatformStaff: false, bindings, byNode: indexByNode(bindings), trees: principal.trees.filter((t) => t.rootId === tenantId), warnings: principal.warnings };
}

/** True when the address is inside one of the ranges (no ranges: anywhere). */
export function ipAllowed(ip: string | null, ranges: readonly string[]): boolean {
  if (!ranges.length) return true;
  if (!ip || !ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return ranges.some((r) => {
    try {
      const range = ipaddr.parseCIDR(r);
      return range[0].kind() === addr.kind() && addr.match(range);
    } catch {
      return false;
    }
  });
}

export interface Actor {
  userId: string;
  ip?: string | null;
  subject: Subject;
}

/** Creates a key for a service account of the tenant or for the actor; the secret is returned once. */
export async function createApiKey(tx: Tx, tenantId: string, input: CreateKeyInput, actor: Actor, now = new Date()) {
  const beyond = input.permissions.filter((p) => !holdsInTenant(actor.subject, p, tenantId, now.getTime()));
  if (beyond.length) throw new AppError("forbidden", "A key can't have permissions you don't have.", { permissions: [`You don't have: ${beyond.join(", ")}.`] });
  if (input.expiresAt && input.expiresAt <= now) throw new AppError("invalid", "Some fields need attention.", { expiresAt: ["Choose a time in the future."] });
  let principalId = actor.userId;
  if (input.serviceAccountId) {
    const account = await tx.serviceAccount.findFirst({ where: { id: input.serviceAccountId, tenantId }, select: { userId: true, user: { select: { status: true, deletedAt: true } } } });
    if (!account || account.user.deletedAt) throw new AppError("not_found", "That service account was not found.");
    if (account.user.status !== "ACTIVE") throw new AppError("conflict", "That service account is disabled: enable it first.");
    principalId = account.userId;
  }
  const secret = `${KEY_PREFIX}${randomToken()}`;
  const row = await tx.apiKey.create({
    data: {
      tenantId,
      principalId,
      createdById: actor.userId,
      serviceAccountId: input.serviceAccountId ?? null,
      name: input.name,
      prefix: secret.slice(0, 12),
      secretHash: sha256(secret),
      permissions: input.permissions,
      ipRanges: input.ipRanges,
      expiresAt: input.expiresAt ?? null,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    },
  });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "api_key.created", targetType: "api_key", targetId: row.id, ip: actor.ip ?? null, details: { name: row.name, prefix: row.prefix, permissions: input.permissions, serviceAccountId: row.serviceAccountId } });
  return { id: row.id, name: row.name, prefix: row.prefix, secret };
}

export async function revokeApiKey(tx: Tx, tenantId: string, id: string, actor: { userId: string; ip: string | null }, now = new Date()) {
  const row = await tx.apiKey.findFirst({ where: { id, tenantId, revokedAt: null } });
  if (!row) throw new AppError("not_found", "That key was not found.");
  await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "api_key.revoked", targetType: "api_key", targetId: id, ip: actor.ip, details: { name: row.name, prefix: row.prefix } });
}

/** The longest a rotated-out key keeps working beside its replacement. */
export const MAX_ROTATION_OVERLAP_HOURS = 168;
export const rotateKeySchema = z.object({
  overlapHours: z
    .number({ error: "Hours the old key keeps working, 0 to 168." })
    .int("A whole number of hours.")
    .min(0, "At least 0 (the old key stops at once).")
    .max(MAX_ROTATION_OVERLAP_HOURS, `At most ${MAX_ROTATION_OVERLAP_HOURS} hours (a week).`)
    .default(24),
});

/**
 * Rotation: a new secret with the same name, principal, scope, ranges and limit, created by the
 * actor (so never with more than the actor holds, as at creation); the old key keeps working for
 * the overlap window, so the system that uses it can switch without an outage, then expires.
 */
export async function rotateApiKey(tx: Tx, tenantId: string, id: string, input: z.infer<typeof rotateKeySchema>, actor: Actor, now = new Date()) {
  const old = await tx.apiKey.findFirst({ where: { id, tenantId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } });
  if (!old) throw new AppError("not_found", "That key was not found.");
  const fresh = await createApiKey(
    tx,
    tenantId,
    { name: old.name, permissions: old.permissions as Permission[], serviceAccountId: old.serviceAccountId, expiresAt: old.expiresAt, ipRanges: old.ipRanges, rateLimitPerMinute: old.rateLimitPerMinute },
    actor,
    now,
  );
  const overlapUntil = new Date(now.getTime() + input.overlapHours * 3_600_000);
  const oldUntil = old.expiresAt && old.expiresAt < overlapUntil ? old.expiresAt : overlapUntil;
  if (input.overlapHours === 0) await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
  else await tx.apiKey.update({ where: { id }, data: { expiresAt: oldUntil } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "api_key.rotated", targetType: "api_key", targetId: id, ip: actor.ip ?? null, details: { name: old.name, from: old.prefix, to: fresh.prefix, newKeyId: fresh.id, oldKeyWorksUntil: input.overlapHours === 0 ? now.toISOString() : oldUntil.toISOString() } });
  return { ...fresh, oldKeyWorksUntil: input.overlapHours === 0 ? now : oldUntil };
}

export interface AuthenticatedKey {
  keyId: string;
  tenantId: string;
  principal: { id: string; email: string; name: string };
  createdById: string;
  permissions: string[];
  /** The key's own limit, else its tenant's default. */
  rateLimitPerMinute: number;
}

/** The key a bearer names; 401 (one answer for all) when unknown, revoked, expired, off-range or its people are gone. */
export async function authenticateApiKey(db: Db, bearer: string | null, ip: string | null, now = new Date()): Promise<AuthenticatedKey> {
  const refused = new AppError("unauthenticated", "A valid API key is required.");
  if (!isApiKey(bearer)) throw refused;
  const row = await db.apiKey.findUnique({
    where: { secretHash: sha256(bearer) },
    select: {
      id: true, tenantId: true, permissions: true, ipRanges: true, expiresAt: true, revokedAt: true, lastUsedAt: true, lastUsedIp: true, rateLimitPerMinute: true, createdById: true,
      principal: { select: { id: true, email: true, name: true, status: true, deletedAt: true } },
      createdBy: { select: { status: true, deletedAt: true } },
      tenant: { select: { archivedAt: true, apiSettings: { select: { rateLimitPerMinute: true } } } },
    },
  });
  if (!row || row.revokedAt || row.tenant.archivedAt || (row.expiresAt && row.expiresAt <= now)) throw refused;
  if (row.principal.status !== "ACTIVE" || row.principal.deletedAt || row.createdBy.status !== "ACTIVE" || row.createdBy.deletedAt) throw refused;
  if (!ipAllowed(ip, row.ipRanges)) throw refused;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS || row.lastUsedIp !== ip) {
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now, lastUsedIp: ip } });
  }
  return { keyId: row.id, tenantId: row.tenantId, principal: { id: row.principal.id, email: row.principal.email, name: row.principal.name }, createdById: row.createdById, permissions: row.permissions, rateLimitPerMinute: row.rateLimitPerMinute ?? row.tenant.apiSettings?.rateLimitPerMinute ?? DEFAULT_PER_MINUTE };
}

/** Counts one request (and whether it failed) in the key's hour. */
export async function recordKeyUsage(db: Db, keyId: string, failed: boolean, now = new Date()): Promise<void> {
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const errors = failed ? 1 : 0;
  await db.$executeRaw`INSERT INTO api_key_usage (key_id, hour, requests, errors) VALUES (${keyId}::uuid, ${hour}, 1, ${errors})
    ON CONFLICT (key_id, hour) DO UPDATE SET requests = api_key_usage.requests + 1, errors = api_key_usage.errors + ${errors}`;
}
