import { z } from "zod";
import { OWNER_ROLE_IDS, type MemberFacts } from "../authz";
import type { Db, Tx } from "../db/client";
import { inSubtree } from "../orgs/nodes";

/**
 * Who owns what: an account (sign-in, password, 2FA, name, global status, sessions) belongs to the
 * person; a membership (bindings at places in one tenant) belongs to the tenant. A tenant *manages*
 * an account when it created it or has verified the email's domain; only then may its admins make
 * account-wide changes (README, "Security: who may touch an account").
 */

/** Everything the policy needs to know about a member targeted by an action at a place. */
export interface MemberTarget {
  id: string;
  name: string;
  email: string;
  status: "ACTIVE" | "INVITED" | "DISABLED";
  /** The tenant the place belongs to. */
  rootId: string;
  /** A live Owner binding in this tenant. */
  isOwnerHere: boolean;
  /** This tenant manages the account (created it, or verified its email domain). */
  managedHere: boolean;
  suspendedHere: boolean;
  /** Every binding the person has in this tenant is an unaccepted invitation. */
  pendingHere: boolean;
}

export const emailDomain = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

/** Does the tenant manage this account? It created it, or it verified the email's domain. */
export async function tenantManagesAccount(db: Db | Tx, tenantId: string, account: { managedByTenantId: string | null; email: string }): Promise<boolean> {
  if (account.managedByTenantId === tenantId) return true;
  const domain = await db.tenantDomain.findFirst({ where: { tenantId, domain: emailDomain(account.email), verifiedAt: { not: null } }, select: { tenantId: true } });
  return domain !== null;
}

/** What the member rules (lib/authz/rules.ts canActOnMember) need to know about a target. */
export const memberFacts = (t: MemberTarget): MemberFacts => ({ userId: t.id, isOwnerHere: t.isOwnerHere, managedHere: t.managedHere, pendingHere: t.pendingHere });

/** Has a tenant other than this one verified the email's domain? Then that tenant manages such accounts. */
export async function domainVerifiedElsewhere(db: Db | Tx, email: string, tenantId: string): Promise<boolean> {
  return (await db.tenantDomain.count({ where: { domain: emailDomain(email), verifiedAt: { not: null }, tenantId: { not: tenantId } } })) > 0;
}

/** Has this tenant verified the email's domain? */
export async function domainVerifiedHere(db: Db | Tx, email: string, tenantId: string): Promise<boolean> {
  return (await db.tenantDomain.count({ where: { domain: emailDomain(email), verifiedAt: { not: null }, tenantId } })) > 0;
}

/** The person as a member of the place (a role, live or invited, at it or below it); null for anyone else. */
export async function loadMemberTarget(
  db: Db | Tx,
  placeId: string,
  userId: string,
  opts: { rootId?: string; now?: Date } = {},
): Promise<MemberTarget | null> {
  if (!z.uuid().safeParse(userId).success) return null;
  const now = opts.now ?? new Date();
  // The wrapper already knows the tenant (it locked it): don't look it up twice.
  const place = opts.rootId ? { rootId: opts.rootId } : await db.orgNode.findUnique({ where: { id: placeId }, select: { rootId: true } });
  if (!place) return null;
  const user = await db.user.findFirst({
    where: { id: userId, deletedAt: null, bindings: { some: { node: inSubtree(placeId) } } },
    select: {
      id: true,
      name: true,
      email: true,
      status: true,
      managedByTenantId: true,
      bindings: { where: { node: { rootId: place.rootId } }, select: { roleId: true, pending: true, expiresAt: true } },
      suspensions: { where: { tenantId: place.rootId }, select: { tenantId: true } },
    },
  });
  if (!user) return null;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    status: user.status,
    rootId: place.rootId,
    isOwnerHere: user.bindings.some((b) => OWNER_ROLE_IDS.has(b.roleId) && !b.pending && (!b.expiresAt || b.expiresAt > now)),
    // Until they accept, nobody here manages anything of theirs, whoever created the account.
    managedHere: user.bindings.some((b) => !b.pending) && (await tenantManagesAccount(db, place.rootId, user)),
    suspendedHere: user.suspensions.length > 0,
    pendingHere: user.bindings.every((b) => b.pending),
  };
}

/**
 * Serialises changes to a tenant's people: every change that could remove an owner takes this row
 * lock on the tenant root first, so two concurrent demotions can't both see "another owner left".
 */
export async function lockTenant(tx: Tx, rootId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM org_nodes WHERE id = ${rootId}::uuid FOR UPDATE`;
}

/**
 * Owners who keep the tenant safe: accepted Owner bindings with no end date, on active accounts
 * not suspended here. A tenant must always keep one (an owner with an expiry will lapse).
 */
export async function permanentOwnerCount(db: Db | Tx, rootId: string): Promise<number> {
  return db.roleBinding.count({
    where: {
      roleId: { in: [...OWNER_ROLE_IDS] },
      pending: false,
      expiresAt: null,
      OR: [{ startsAt: null }, { startsAt: { lte: new Date() } }],
      node: { rootId },
      user: { status: "ACTIVE", deletedAt: null, suspensions: { none: { tenantId: rootId } } },
    },
  });
}

/**
 * A binding that grants something now: accepted (not a pending invitation), not expired, at a
 * place that isn't archived. Suspensions are per tenant: callers exclude those tenants as well.
 */
export function liveBinding(now = new Date()) {
  return {
    pending: false,
    node: { archivedAt: null },
    AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, { OR: [{ startsAt: null }, { startsAt: { lte: now } }] }],
  };
}
