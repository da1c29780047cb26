import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";
import type { Actor } from "../members/admin";
import { checkNewAssignments } from "../members/invite";
import { DEFAULT_PER_MINUTE } from "./rate-limit";

/**
 * Service accounts (issue 13): a tenant's non-person principal. It is a users row with no password
 * (so no sign-in of any kind: credentials need a password, SSO and SCIM match real emails only,
 * and the email is on the reserved `.invalid` domain), managed by the tenant, with role bindings
 * at places like a person, decided by the same policy module. It acts only through API keys.
 */
export const SERVICE_ACCOUNT_DOMAIN = "service-accounts.invalid";

export const createServiceAccountSchema = z.object({
  name: z.string({ error: "Name the service account." }).trim().min(1, "Name the service account.").max(100, "Keep the name under 100 characters."),
  description: z.string().trim().max(500, "Keep the description under 500 characters.").nullish(),
  roleId: z.string({ error: "Choose a role." }).min(1, "Choose a role.").max(100),
  /** Where the role applies; the tenant itself when left out. */
  nodeId: z.uuid("Not a place id.").nullish(),
});

export function isServiceAccountEmail(email: string): boolean {
  return email.toLowerCase().endsWith(`@${SERVICE_ACCOUNT_DOMAIN}`);
}

export async function createServiceAccount(tx: Tx, tenantId: string, input: z.infer<typeof createServiceAccountSchema>, actor: Actor) {
  const nodeId = input.nodeId ?? tenantId;
  await checkNewAssignments(tx, actor, tenantId, [{ nodeId, roleId: input.roleId }]);
  const user = await tx.user.create({
    data: { email: `sa-${crypto.randomUUID()}@${SERVICE_ACCOUNT_DOMAIN}`, name: input.name, passwordHash: null, managedByTenantId: tenantId },
  });
  const account = await tx.serviceAccount.create({ data: { tenantId, userId: user.id, name: input.name, description: input.description ?? null, createdById: actor.userId } });
  await tx.roleBinding.create({ data: { userId: user.id, nodeId, roleId: input.roleId, grantedById: actor.userId, reason: "service account" } });
  await bumpAuthzVersion(tx, tenantId);
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "service_account.created", targetType: "user", targetId: user.id, ip: actor.ip ?? null, details: { name: input.name, roleId: input.roleId, nodeId } });
  return { id: account.id, userId: user.id, name: account.name };
}

async function find(tx: Tx, tenantId: string, id: string) {
  const account = await tx.serviceAccount.findFirst({ where: { id, tenantId }, include: { user: { select: { status: true, deletedAt: true } } } });
  if (!account || account.user.deletedAt) throw new AppError("not_found", "That service account was not found.");
  return account;
}

/** Disabled: every key of the account answers 401 at once; enabled again: they work again. */
export async function setServiceAccountStatus(tx: Tx, tenantId: string, id: string, status: "ACTIVE" | "DISABLED", actor: { userId: string; ip: string | null }) {
  const account = await find(tx, tenantId, id);
  if (account.user.status === status) return;
  await tx.user.update({ where: { id: account.userId }, data: { status } });
  await bumpAuthzVersion(tx, tenantId);
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: status === "DISABLED" ? "service_account.disabled" : "service_account.enabled", targetType: "user", targetId: account.userId, ip: actor.ip, details: { name: account.name } });
}

/** Removed: its keys are revoked and its roles taken away; the row stays so the audit log keeps its name. */
export async function deleteServiceAccount(tx: Tx, tenantId: string, id: string, actor: { userId: string; ip: string | null }, now = new Date()) {
  const account = await find(tx, tenantId, id);
  await tx.apiKey.updateMany({ where: { serviceAccountId: id, revokedAt: null }, data: { revokedAt: now } });
  await tx.roleBinding.deleteMany({ where: { userId: account.userId } });
  await tx.user.update({ where: { id: account.userId }, data: { status: "DISABLED", deletedAt: now } });
  await bumpAuthzVersion(tx, tenantId);
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "service_account.deleted", targetType: "user", targetId: account.userId, ip: actor.ip, details: { name: account.name } });
}

/** The tenant's service accounts and keys, with each key's last use, for Settings > API access. */
export async function listMachineAccess(db: Db | Tx, tenantId: string, now = new Date()) {
  const [accounts, keys] = await Promise.all([
    db.serviceAccount.findMany({
      where: { tenantId, user: { deletedAt: null } },
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, description: true, createdAt: true, user: { select: { id: true, status: true, bindings: { select: { roleId: true, role: { select: { name: true } }, node: { select: { id: true, name: true } } } } } } },
    }),
    db.apiKey.findMany({
      where: { tenantId, revokedAt: null },
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, prefix: true, permissions: true, ipRanges: true, expiresAt: true, lastUsedAt: true, lastUsedIp: true, rateLimitPerMinute: true, createdAt: true, serviceAccountId: true, principal: { select: { name: true } }, createdBy: { select: { name: true } } },
    }),
  ]);
  return {
    serviceAccounts: accounts.map((a) => ({ id: a.id, userId: a.user.id, name: a.name, description: a.description, status: a.user.status, createdAt: a.createdAt, roles: a.user.bindings.map((b) => ({ roleId: b.roleId, roleName: b.role.name, nodeId: b.node.id, nodeName: b.node.name })) })),
    keys: keys.map((k) => ({ ...k, principal: k.principal.name, createdBy: k.createdBy.name, expired: Boolean(k.expiresAt && k.expiresAt <= now) })),
  };
}

/** Requests and errors per hour for the tenant's keys over the last `hours` hours. */
export async function keyUsage(db: Db | Tx, tenantId: string, hours = 24, now = new Date()) {
  const since = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000);
  const rows = await db.apiKeyUsage.findMany({ where: { hour: { gte: since }, key: { tenantId } }, orderBy: { hour: "asc" }, select: { keyId: true, hour: true, requests: true, errors: true } });
  return rows;
}

/** Sets the tenant's default per-key limit (requests per minute). */
export async function setTenantRateLimit(tx: Tx, tenantId: string, rateLimitPerMinute: number, actor: { userId: string; ip: string | null }) {
  await tx.apiSettings.upsert({ where: { tenantId }, create: { tenantId, rateLimitPerMinute }, update: { rateLimitPerMinute } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "api_settings.updated", targetType: "tenant", targetId: tenantId, ip: actor.ip, details: { rateLimitPerMinute } });
  return { rateLimitPerMinute };
}

/** The tenant's default per-key limit. */
export async function tenantRateLimit(db: Db | Tx, tenantId: string): Promise<number> {
  return (await db.apiSettings.findUnique({ where: { tenantId } }))?.rateLimitPerMinute ?? DEFAULT_PER_MINUTE;
}
