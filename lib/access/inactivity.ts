import { recordAudit } from "../audit/audit";
import { OWNER_ROLE_IDS } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { inactivityWarningEmail } from "../email/templates";
import { securityEnv } from "../security/env";

/**
 * Inactivity expiry (issue 11). Each tenant may suspend memberships nobody has used for N days
 * (access_settings.inactivity_days; off by default), with a warning email some days before.
 * "Used" = a page or an API call at a place of the tenant (touchMembership, at most one write an
 * hour per person and tenant); a membership never used counts from its newest role. The job
 * (runInactivityExpiry) runs on the app's background scheduler and is called directly by tests;
 * a suspension is the ordinary "suspended here" (tenant_suspensions), audited as member.suspended
 * with the reason, so the person's next request in that tenant is refused like any suspension.
 * Owners are never suspended by it (a tenant can't lock out its owners), nor service accounts.
 */

const DAY = 86_400_000;
const TOUCH_EVERY_MS = 3_600_000;
const touched = new Map<string, number>();

/** Records that the person used their membership of the tenant now (throttled in this process). */
export async function touchMembership(db: Db | Tx, userId: string, tenantId: string, now = new Date(), opts: { force?: boolean } = {}): Promise<void> {
  const key = `${tenantId}:${userId}`;
  const last = touched.get(key);
  if (!opts.force && last !== undefined && now.getTime() - last < TOUCH_EVERY_MS && now.getTime() >= last) return;
  touched.set(key, now.getTime());
  if (touched.size > 50_000) touched.delete(touched.keys().next().value!);
  await db.$executeRaw`
    INSERT INTO membership_activity (tenant_id, user_id, last_used_at) VALUES (${tenantId}::uuid, ${userId}::uuid, ${now})
    ON CONFLICT (tenant_id, user_id) DO UPDATE SET last_used_at = GREATEST(membership_activity.last_used_at, EXCLUDED.last_used_at)`;
}

/** Tests: forget the in-process throttle. */
export function resetTouchThrottle(): void {
  touched.clear();
}

const dateOnly = (d: Date) => d.toISOString().slice(0, 10);

/** One pass over every tenant with inactivity expiry on: warnings sent and suspensions made. */
export async function runInactivityExpiry(db: Db, now = new Date()): Promise<{ warned: number; suspended: number }> {
  const tenants = await db.accessSettings.findMany({ where: { inactivityDays: { not: null } }, select: { tenantId: true, inactivityDays: true, inactivityWarnDays: true, tenant: { select: { name: true, archivedAt: true } } } });
  let warned = 0;
  let suspended = 0;
  for (const t of tenants) {
    if (t.tenant.archivedAt) continue;
    const r = await db.$transaction((tx: Tx) => expireTenant(tx, t.tenantId, t.tenant.name, t.inactivityDays!, t.inactivityWarnDays, now));
    warned += r.warned;
    suspended += r.suspended;
  }
  return { warned, suspended };
}

async function expireTenant(tx: Tx, tenantId: string, tenantName: string, days: number, warnDays: number, now: Date) {
  const bindings = await tx.roleBinding.findMany({
    where: { pending: false, node: { rootId: tenantId }, user: { status: "ACTIVE", deletedAt: null, serviceAccount: null, suspensions: { none: { tenantId } } } },
    select: { userId: true, roleId: true, createdAt: true, user: { select: { email: true, name: true } } },
  });
  const people = new Map<string, { since: Date; owner: boolean; email: string; name: string }>();
  for (const b of bindings) {
    const p = people.get(b.userId) ?? { since: b.createdAt, owner: false, email: b.user.email, name: b.user.name };
    if (b.createdAt > p.since) p.since = b.createdAt;
    if (OWNER_ROLE_IDS.has(b.roleId)) p.owner = true;
    people.set(b.userId, p);
  }
  const activity = new Map((await tx.membershipActivity.findMany({ where: { tenantId, userId: { in: [...people.keys()] } } })).map((a) => [a.userId, a]));
  let warned = 0;
  let suspended = 0;
  for (const [userId, p] of people) {
    if (p.owner) continue;
    const a = activity.get(userId);
    const lastUsed = a && a.lastUsedAt > p.since ? a.lastUsedAt : p.since;
    const idle = now.getTime() - lastUsed.getTime();
    if (idle >= days * DAY) {
      await tx.tenantSuspension.create({ data: { tenantId, userId, suspendedById: null, createdAt: now } });
      await recordAudit(tx, { tenantId, actorId: null, action: "member.suspended", targetType: "user", targetId: userId, details: { reason: "inactivity", days, lastUsedAt: lastUsed.toISOString() } });
      suspended++;
    } else if (idle >= (days - warnDays) * DAY && !(a?.warnedAt && a.warnedAt >= lastUsed)) {
      const suspendOn = dateOnly(new Date(lastUsed.getTime() + days * DAY));
      await enqueueEmail(tx, p.email, "inactivity_warning", inactivityWarningEmail({ name: p.name, tenant: tenantName, days, suspendOn, url: `${securityEnv().appUrl}/o/${tenantId}` }));
      await tx.membershipActivity.upsert({ where: { tenantId_userId: { tenantId, userId } }, create: { tenantId, userId, lastUsedAt: lastUsed, warnedAt: now }, update: { warnedAt: now } });
      await recordAudit(tx, { tenantId, actorId: null, action: "member.inactivity_warned", targetType: "user", targetId: userId, details: { days, suspendOn, lastUsedAt: lastUsed.toISOString() } });
      warned++;
    }
  }
  if (suspended > 0) await bumpAuthzVersion(tx, tenantId);
  return { warned, suspended };
}

/** The background scheduler's worker (instrumentation.ts): one pass an hour. */
export function startInactivityWorker(getDb: () => Promise<Db>, everyMs = 3_600_000) {
  const holder = globalThis as unknown as { __careaccessInactivityWorker?: NodeJS.Timeout };
  if (holder.__careaccessInactivityWorker) return;
  holder.__careaccessInactivityWorker = setInterval(() => void getDb().then((db) => runInactivityExpiry(db)).catch((err) => console.error("inactivity expiry", err)), everyMs);
  holder.__careaccessInactivityWorker.unref?.();
}
