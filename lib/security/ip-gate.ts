import { recordAuditNow } from "../audit/audit";
import { prisma } from "../db";
import { ipInAny } from "./ip";
import { ipAllowed, userPolicy, type UserPolicy } from "./settings";

/**
 * The IP allowlist check for signed-in requests (proxy.ts). A person's effective rules are cached
 * for 15 seconds per app instance, so a settings change applies within that; each refusal is
 * audited at most once per person, address and 5 minutes.
 */
const TTL_MS = 15_000;
type Cache = { rules: Map<string, { at: number; policy: Pick<UserPolicy, "ipRules"> }>; audited: Map<string, number> };
const holder = globalThis as unknown as { __careaccessIpGate?: Cache };

export const IP_REFUSED = "Access from your network isn't allowed by your organisation's security settings. Connect from an allowed network, or ask your administrator.";

export async function ipBlockFor(userId: string, ip: string | null): Promise<{ message: string } | null> {
  const cache = (holder.__careaccessIpGate ??= { rules: new Map(), audited: new Map() });
  const now = Date.now();
  let entry = cache.rules.get(userId);
  if (!entry || now - entry.at > TTL_MS) {
    const db = await prisma();
    entry = { at: now, policy: { ipRules: (await userPolicy(db, userId)).ipRules } };
    cache.rules.set(userId, entry);
    if (cache.rules.size > 10_000) cache.rules.clear();
  }
  if (entry.policy.ipRules.length === 0) return null;
  const result = ipAllowed(entry.policy, ip, (addr, cidrs) => ipInAny(addr, cidrs));
  if (result.ok) return null;
  const key = `${userId}|${ip}`;
  if (now - (cache.audited.get(key) ?? 0) > 5 * 60_000) {
    cache.audited.set(key, now);
    const db = await prisma();
    await recordAuditNow(db, { tenantId: result.tenantId, actorId: userId, action: "auth.ip_blocked", targetType: "user", targetId: userId, ip, details: { stage: "request" } }).catch(() => {});
  }
  return { message: IP_REFUSED };
}

/** Forget cached rules (after a tenant's IP settings change). */
export function clearIpGateCache(): void {
  holder.__careaccessIpGate?.rules.clear();
}
