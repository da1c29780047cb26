import "server-only";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { requestMeta } from "./http";
import { clearIpGateCache } from "./ip-gate";
import { ipInAny } from "./ip";
import { requireRecentAuth } from "./reauth";
import { getSecuritySettings, storeSecuritySettings, tenantRolesOf, type SecuritySettings } from "./settings";

export const LOCKOUT_WARNING = (ip: string | null) =>
  `Your current address (${ip ?? "unknown"}) isn't in the allowed ranges, so saving would sign you out of this organisation. Add your address, or confirm that you want to save anyway.`;

/**
 * Saves a tenant's security settings (the caller checked settings.edit). Requires a recent
 * password check, refuses an IP allowlist that would lock the admin's own current address out
 * unless they confirm, audits what changed, and clears the IP gate's cache.
 */
export async function saveTenantSecuritySettings(
  tx: Tx,
  input: { tenantId: string; settings: SecuritySettings; confirmLockout: boolean; userId: string; sessionId: string | null },
): Promise<SecuritySettings> {
  await requireRecentAuth(tx, { userId: input.userId, sessionId: input.sessionId });
  const { ip } = await requestMeta();
  const next = input.settings;
  if (next.ipAllowlist.enabled && !input.confirmLockout) {
    const myRoles = (await tenantRolesOf(tx, input.userId)).get(input.tenantId) ?? new Set<string>();
    const ranges = next.ipAllowlist.ranges.filter((r) => r.roleIds.length === 0 || r.roleIds.some((id) => myRoles.has(id)));
    const scopedAway = ranges.length === 0 && next.ipAllowlist.ranges.length > 0 && next.ipAllowlist.ranges.every((r) => r.roleIds.length > 0);
    if (!scopedAway && !ipInAny(ip, ranges.map((r) => r.cidr))) {
      throw new AppError("conflict", LOCKOUT_WARNING(ip), { confirmLockout: [LOCKOUT_WARNING(ip)] });
    }
  }
  const before = await getSecuritySettings(tx, input.tenantId);
  await storeSecuritySettings(tx, input.tenantId, next, input.userId);
  const changed = (Object.keys(next) as (keyof SecuritySettings)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
  await recordAudit(tx, { tenantId: input.tenantId, actorId: input.userId, action: "settings.security_changed", targetType: "tenant", targetId: input.tenantId, ip, details: { changed, before: pick(before, changed), after: pick(next, changed) } });
  clearIpGateCache();
  return next;
}

function pick(s: SecuritySettings, keys: (keyof SecuritySettings)[]) {
  return Object.fromEntries(keys.map((k) => [k, s[k]]));
}

/**
 * What the Security settings page shows for a tenant: its settings and the roles a rule can name
 * (built-in and the tenant's custom roles of the tenant's family, and the platform's).
 */
export async function securitySettingsView(db: Db | Tx, tenant: { id: string; family: "care" | "clinic" }) {
  const [settings, roles] = await Promise.all([
    getSecuritySettings(db, tenant.id),
    db.role.findMany({ where: { OR: [{ tenantId: null }, { tenantId: tenant.id }] }, select: { id: true, name: true, family: true }, orderBy: { name: "asc" } }),
  ]);
  return { settings, roles: roles.filter((r) => r.family === tenant.family || r.family === "platform").map((r) => ({ id: r.id, name: r.name })) };
}
