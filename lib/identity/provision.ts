import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { OWNER_ROLE_IDS } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";
import { emailDomain, lockTenant } from "../members/accounts";
import { assertMappableRole } from "./connections";

/**
 * The one provisioning path for SSO (just in time), SCIM and LDAP: an identity from a tenant's IdP,
 * SCIM client or directory becomes (or finds) an account, and its groups become roles at places.
 *
 * The rule that keeps tenants apart: a tenant provisions, links or changes only accounts whose email
 * is in a domain *it* has verified (so it manages them, DESIGN.md "Accounts"). Anything else is refused,
 * whatever the IdP asserts — an IdP a stranger configured can't sign anyone in as therapist@lakeside.test.
 */
export type IdentitySource = "oidc" | "saml" | "scim" | "ldap";
export interface IdentityClaims {
  source: IdentitySource;
  /** The connection or directory id, or "scim". */
  providerKey: string;
  subject: string;
  email: string;
  name: string | null;
  groups: string[];
  externalId?: string | null;
}

export const DOMAIN_NOT_VERIFIED = (domain: string) => `${domain} isn't a verified domain of this organisation, so it can't sign in or provision people with that email.`;

export async function assertDomainVerifiedBy(db: Db | Tx, tenantId: string, email: string): Promise<void> {
  const domain = emailDomain(email);
  const row = await db.tenantDomain.findFirst({ where: { tenantId, verifiedDomain: domain }, select: { tenantId: true } });
  if (!row) throw new AppError("forbidden", DOMAIN_NOT_VERIFIED(domain), { email: [DOMAIN_NOT_VERIFIED(domain)] });
}

const emailOk = z.email();

/**
 * Finds the account for an identity (by its link, then by email) or creates it when `create` is on.
 * Links the identity to the account. Returns the user and whether it was created.
 */
export async function findOrCreateAccount(tx: Tx, tenantId: string, claims: IdentityClaims, opts: { create: boolean; now?: Date }) {
  const now = opts.now ?? new Date();
  const email = claims.email.trim().toLowerCase();
  if (!emailOk.safeParse(email).success) throw new AppError("invalid", "The identity provider sent no valid email address.", { email: ["The identity provider sent no valid email address."] });
  await assertDomainVerifiedBy(tx, tenantId, email);
  const link = await tx.externalIdentity.findUnique({ where: { tenantId_providerKey_subject: { tenantId, providerKey: claims.providerKey, subject: claims.subject } }, include: { user: true } });
  let user = link?.user ?? (await tx.user.findUnique({ where: { email } }));
  let created = false;
  if (user?.deletedAt) throw new AppError("forbidden", "This account was deleted. Ask an administrator.");
  if (!user) {
    if (!opts.create) throw new AppError("forbidden", `There is no account for ${email} yet, and this connection doesn't create accounts. Ask your administrator.`);
    user = await tx.user.create({ data: { email, name: claims.name?.trim() || email.slice(0, email.indexOf("@")), managedByTenantId: tenantId } });
    created = true;
  } else if (link && user.email !== email) {
    // The IdP renamed the address: follow it if the new one is free (and, as checked, in our domain).
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new AppError("conflict", `${email} already belongs to another account.`);
    user = await tx.user.update({ where: { id: user.id }, data: { email } });
  }
  const name = claims.name?.trim();
  if (name && name !== user.name) user = await tx.user.update({ where: { id: user.id }, data: { name: name.slice(0, 200) } });
  // A domain the tenant verified makes it the account's manager: record it on the account too.
  if (user.managedByTenantId !== tenantId) user = await tx.user.update({ where: { id: user.id }, data: { managedByTenantId: tenantId } });
  await tx.externalIdentity.upsert({
    where: { tenantId_providerKey_userId: { tenantId, providerKey: claims.providerKey, userId: user.id } },
    create: { tenantId, userId: user.id, source: claims.source, providerKey: claims.providerKey, subject: claims.subject, externalId: claims.externalId ?? null, groups: claims.groups, lastSeenAt: now },
    update: { subject: claims.subject, externalId: claims.externalId ?? undefined, groups: claims.groups, lastSeenAt: now },
  });
  return { user, created };
}

/**
 * Makes the person's identity-granted roles in the tenant match their groups: each group mapped to
 * a role at a place grants it there; with no mapped group, the connection's default role and place
 * (if any). Bindings an admin gave by hand are never touched; identity-granted ones that no group
 * explains any more are removed. One audit row with before/after when anything changed.
 */
export async function applyGroupRoles(
  tx: Tx,
  tenantId: string,
  userId: string,
  opts: { source: IdentitySource; fallback?: { roleId: string; nodeId: string } | null; actorId?: string | null; ip?: string | null },
) {
  await lockTenant(tx, tenantId);
  // Every source's groups together (an IdP's at sign-in, SCIM's, the directory's): one source's
  // update doesn't take away what another's groups grant.
  const identities = await tx.externalIdentity.findMany({ where: { tenantId, userId }, select: { groups: true } });
  const groups = [...new Set(identities.flatMap((i) => i.groups ?? []))].sort();
  const mappings = groups.length
    ? await tx.identityGroupMapping.findMany({ where: { tenantId, groupName: { in: groups }, node: { archivedAt: null } }, orderBy: [{ groupName: "asc" }, { createdAt: "asc" }] })
    : [];
  const desired = new Map<string, { roleId: string; group: string | null }>();
  for (const m of mappings) if (!desired.has(m.nodeId)) desired.set(m.nodeId, { roleId: m.roleId, group: m.groupName });
  if (desired.size === 0 && opts.fallback) desired.set(opts.fallback.nodeId, { roleId: opts.fallback.roleId, group: null });

  const existing = await tx.roleBinding.findMany({ where: { userId, node: { rootId: tenantId } }, select: { id: true, nodeId: true, roleId: true, identity: { select: { bindingId: true } } } });
  const byNode = new Map(existing.map((b) => [b.nodeId, b]));
  const added: { nodeId: string; roleId: string }[] = [];
  const changed: { nodeId: string; from: string; to: string }[] = [];
  const removed: { nodeId: string; roleId: string }[] = [];
  for (const [nodeId, want] of desired) {
    const b = byNode.get(nodeId);
    if (!b) {
      const created = await tx.roleBinding.create({ data: { userId, nodeId, roleId: want.roleId, reason: want.group ? `From identity group "${want.group}"` : "Default role of the sign-in connection" } });
      await tx.identityBinding.create({ data: { bindingId: created.id, tenantId, source: opts.source } });
      added.push({ nodeId, roleId: want.roleId });
    } else if (b.identity && b.roleId !== want.roleId && !OWNER_ROLE_IDS.has(b.roleId)) {
      await tx.roleBinding.update({ where: { id: b.id }, data: { roleId: want.roleId } });
      changed.push({ nodeId, from: b.roleId, to: want.roleId });
    }
  }
  for (const b of existing) {
    if (b.identity && !desired.has(b.nodeId) && !OWNER_ROLE_IDS.has(b.roleId)) {
      await tx.roleBinding.delete({ where: { id: b.id } });
      removed.push({ nodeId: b.nodeId, roleId: b.roleId });
    }
  }
  if (added.length || changed.length || removed.length) {
    await bumpAuthzVersion(tx, tenantId);
    await recordAudit(tx, {
      tenantId,
      actorId: opts.actorId ?? null,
      action: "member.roles_synced",
      targetType: "user",
      targetId: userId,
      ip: opts.ip ?? null,
      details: { source: opts.source, groups, before: existing.filter((b) => b.identity).map((b) => ({ nodeId: b.nodeId, roleId: b.roleId })), after: [...desired].map(([nodeId, d]) => ({ nodeId, roleId: d.roleId })), added, changed, removed },
    });
  }
  return { added, changed, removed };
}

/**
 * Someone the IdP, SCIM client or directory no longer has: identity-granted roles in the tenant go,
 * every session ends now, and the account (which this tenant manages) is disabled — unless they own
 * the tenant (break-glass owners are never locked out by a sync).
 */
export async function revokeIdentityAccess(tx: Tx, tenantId: string, userId: string, opts: { source: IdentitySource; reason: string; disable: boolean; actorId?: string | null; ip?: string | null; now?: Date }) {
  const now = opts.now ?? new Date();
  await tx.externalIdentity.updateMany({ where: { tenantId, userId, source: opts.source }, data: { groups: [] } });
  await applyGroupRoles(tx, tenantId, userId, { source: opts.source, fallback: null, actorId: opts.actorId, ip: opts.ip });
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { status: true, managedByTenantId: true } });
  const owner = (await tx.roleBinding.count({ where: { userId, roleId: { in: [...OWNER_ROLE_IDS] }, pending: false, node: { rootId: tenantId } } })) > 0;
  const disable = opts.disable && !owner && user.managedByTenantId === tenantId && user.status === "ACTIVE";
  if (disable) await tx.user.update({ where: { id: userId }, data: { status: "DISABLED" } });
  const ended = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now, revokedReason: `signed out: ${opts.reason}` } });
  await recordAudit(tx, { tenantId, actorId: opts.actorId ?? null, action: "member.deprovisioned", targetType: "user", targetId: userId, ip: opts.ip ?? null, details: { source: opts.source, reason: opts.reason, disabled: disable, sessionsEnded: ended.count } });
  return { disabled: disable, sessionsEnded: ended.count };
}

// ───────────── The mapping table (Settings > Security > Single sign-on) ─────────────

export const mappingInputSchema = z.object({
  groupName: z.string({ error: "Enter the group name." }).trim().min(1, "Enter the group name.").max(500, "The group name is too long."),
  roleId: z.string({ error: "Choose a role." }).trim().min(1, "Choose a role.").max(200),
  nodeId: z.uuid({ error: "Choose a place." }),
});

export async function listMappings(db: Db | Tx, tenantId: string) {
  return db.identityGroupMapping.findMany({ where: { tenantId }, orderBy: [{ groupName: "asc" }], select: { id: true, groupName: true, roleId: true, nodeId: true, role: { select: { name: true } }, node: { select: { name: true } } } });
}

export async function addMapping(tx: Tx, tenantId: string, input: z.output<typeof mappingInputSchema>, actor: { userId: string; ip: string | null }) {
  await assertMappableRole(tx, tenantId, input.roleId, "roleId");
  if (!(await tx.orgNode.findFirst({ where: { id: input.nodeId, rootId: tenantId, archivedAt: null }, select: { id: true } }))) {
    throw new AppError("invalid", "Choose a place in this organisation.", { nodeId: ["Choose a place in this organisation."] });
  }
  if (await tx.identityGroupMapping.findFirst({ where: { tenantId, groupName: input.groupName, nodeId: input.nodeId }, select: { id: true } })) {
    throw new AppError("conflict", "This group already has a role at that place.", { groupName: ["This group already has a role at that place."] });
  }
  const row = await tx.identityGroupMapping.create({ data: { tenantId, ...input } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "identity_mapping.created", targetType: "identity_mapping", targetId: row.id, ip: actor.ip, details: { after: input } });
  return row;
}

export async function deleteMapping(tx: Tx, tenantId: string, id: string, actor: { userId: string; ip: string | null }) {
  const row = await tx.identityGroupMapping.findFirst({ where: { id, tenantId } });
  if (!row) throw new AppError("not_found", "That mapping was not found.");
  await tx.identityGroupMapping.delete({ where: { id } });
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "identity_mapping.deleted", targetType: "identity_mapping", targetId: id, ip: actor.ip, details: { before: { groupName: row.groupName, roleId: row.roleId, nodeId: row.nodeId } } });
}
