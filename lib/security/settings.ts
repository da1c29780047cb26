import { z } from "zod";
import { liveBinding } from "../members/accounts";
import type { Db, Tx } from "../db/client";
import { isValidCidr } from "./ip";

/**
 * A tenant's security settings: password policy, two-factor requirement, sessions, lockout and IP
 * ranges. Stored as JSON on `security_settings` (one row per tenant root) and always read through
 * this schema, so a missing row or field means the default. Defaults follow NIST SP 800-63B:
 * long passwords, a blocklist, no composition rules, no forced expiry.
 */
const roleIds = z.array(z.string().min(1).max(200)).max(100).default([]);
const int = (label: string, min: number, max: number) =>
  z.coerce.number({ error: `${label} must be a number.` }).int(`${label} must be a whole number.`).min(min, `${label} must be at least ${min}.`).max(max, `${label} can be at most ${max}.`);

export const passwordPolicySchema = z.object({
  minLength: int("Minimum length", 8, 128).default(12),
  requireUpper: z.boolean().default(false),
  requireLower: z.boolean().default(false),
  requireDigit: z.boolean().default(false),
  requireSymbol: z.boolean().default(false),
  /** No reuse of the last N passwords (0 = off). */
  historyCount: int("Password history", 0, 24).default(5),
  /** Days until a password must be changed (0 = never, NIST's recommendation). */
  expiryDays: int("Password expiry", 0, 730).default(0),
});

export const ipRangeSchema = z.object({
  cidr: z.string().trim().min(1, "Enter an IP address or range, like 203.0.113.0/24.").refine(isValidCidr, "Enter a valid IPv4 or IPv6 range, like 203.0.113.0/24 or 2001:db8::/32."),
  label: z.string().trim().max(100, "Keep the label under 100 characters.").default(""),
  /** Empty = the range applies to everyone; otherwise only to these roles. */
  roleIds,
});

export const securitySettingsSchema = z.object({
  password: passwordPolicySchema.prefault({}),
  twoFactor: z
    .object({
      /** off, everyone, or only people holding one of `roleIds`. */
      required: z.enum(["off", "everyone", "roles"], { error: "Choose who must use two-factor authentication." }).default("off"),
      roleIds,
    })
    .prefault({}),
  sessions: z
    .object({
      idleMinutes: int("Idle timeout", 1, 1440).default(30),
      /** Per-role idle timeouts that override idleMinutes for people holding that role. */
      roleIdleMinutes: z.array(z.object({ roleId: z.string().min(1), minutes: int("Idle timeout", 1, 1440) })).max(100).default([]),
      absoluteHours: int("Session lifetime", 1, 720).default(12),
      /** 0 = no limit. */
      maxConcurrent: int("Concurrent sessions", 0, 50).default(0),
      onLimit: z.enum(["sign_out_oldest", "refuse"]).default("sign_out_oldest"),
      /** Sensitive actions need a password or 2FA check within this many minutes. */
      reauthMinutes: int("Re-authentication window", 1, 240).default(15),
    })
    .prefault({}),
  lockout: z
    .object({
      maxAttempts: int("Failed attempts before lockout", 3, 20).default(5),
      lockMinutes: int("Lockout period", 1, 1440).default(15),
    })
    .prefault({}),
  ipAllowlist: z
    .object({
      enabled: z.boolean().default(false),
      ranges: z.array(ipRangeSchema).max(200, "At most 200 ranges.").default([]),
    })
    .prefault({}),
});

export type SecuritySettings = z.output<typeof securitySettingsSchema>;
export type PasswordPolicy = SecuritySettings["password"];
export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = securitySettingsSchema.parse({});

/** Parses whatever is stored; anything unreadable falls back to the defaults field by field. */
export function parseStoredSettings(raw: unknown): SecuritySettings {
  const parsed = securitySettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const obj = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(securitySettingsSchema.shape)) {
    const field = securitySettingsSchema.shape[key as keyof SecuritySettings].safeParse(obj[key] ?? {});
    if (field.success) out[key] = field.data;
  }
  return securitySettingsSchema.parse(out);
}

/** The effective settings of one tenant (root node id): the defaults when nothing is stored. */
export async function getSecuritySettings(db: Db | Tx, tenantRootId: string): Promise<SecuritySettings> {
  const row = await db.securitySettings.findUnique({ where: { tenantId: tenantRootId } });
  return parseStoredSettings(row?.settings);
}

export async function getSecuritySettingsMany(db: Db | Tx, tenantRootIds: readonly string[]): Promise<Map<string, SecuritySettings>> {
  const rows = tenantRootIds.length ? await db.securitySettings.findMany({ where: { tenantId: { in: [...tenantRootIds] } } }) : [];
  const byId = new Map(rows.map((r) => [r.tenantId, r.settings]));
  return new Map(tenantRootIds.map((id) => [id, parseStoredSettings(byId.get(id))]));
}

export async function storeSecuritySettings(tx: Tx, tenantRootId: string, settings: SecuritySettings, updatedById: string): Promise<void> {
  await tx.securitySettings.upsert({
    where: { tenantId: tenantRootId },
    create: { tenantId: tenantRootId, settings: settings as object, updatedById },
    update: { settings: settings as object, updatedById },
  });
}

/** The tenants (roots) a person belongs to and the roles they hold in each (live bindings only). */
export async function tenantRolesOf(db: Db | Tx, userId: string, now = new Date()): Promise<Map<string, Set<string>>> {
  // Only tenants the person really belongs to now: an invitation they haven't accepted, an expired
  // role or a tenant that suspended them must not impose its policy (IP ranges, 2FA, lockout) on them.
  const [bindings, suspensions] = await Promise.all([
    db.roleBinding.findMany({ where: { userId, ...liveBinding(now) }, select: { roleId: true, node: { select: { rootId: true } } } }),
    db.tenantSuspension.findMany({ where: { userId }, select: { tenantId: true } }),
  ]);
  const suspended = new Set(suspensions.map((s) => s.tenantId));
  const out = new Map<string, Set<string>>();
  for (const b of bindings) {
    if (suspended.has(b.node.rootId)) continue;
    const set = out.get(b.node.rootId) ?? new Set<string>();
    set.add(b.roleId);
    out.set(b.node.rootId, set);
  }
  return out;
}

/**
 * One person's effective policy across every tenant they belong to: the strictest value of each
 * setting wins (longest minimum length, shortest idle timeout, fewest attempts, …), and 2FA is
 * required if any tenant requires it for a role they hold there.
 */
export interface UserPolicy {
  password: PasswordPolicy;
  twoFactorRequired: boolean;
  idleMinutes: number;
  absoluteHours: number;
  maxConcurrent: number;
  onLimit: "sign_out_oldest" | "refuse";
  reauthMinutes: number;
  lockout: { maxAttempts: number; lockMinutes: number };
  /** Each applicable tenant's allowed ranges; the address must be inside every one of them. */
  ipRules: { tenantId: string; cidrs: string[] }[];
  tenantIds: string[];
}

export async function userPolicy(db: Db | Tx, userId: string, now = new Date()): Promise<UserPolicy> {
  const roles = await tenantRolesOf(db, userId, now);
  const settings = await getSecuritySettingsMany(db, [...roles.keys()]);
  return combinePolicies([...roles.entries()].map(([tenantId, roleSet]) => ({ tenantId, roles: roleSet, settings: settings.get(tenantId)! })));
}

export function combinePolicies(entries: { tenantId: string; roles: Set<string>; settings: SecuritySettings }[]): UserPolicy {
  const d = DEFAULT_SECURITY_SETTINGS;
  if (entries.length === 0) {
    return {
      password: d.password,
      twoFactorRequired: false,
      idleMinutes: d.sessions.idleMinutes,
      absoluteHours: d.sessions.absoluteHours,
      maxConcurrent: 0,
      onLimit: d.sessions.onLimit,
      reauthMinutes: d.sessions.reauthMinutes,
      lockout: d.lockout,
      ipRules: [],
      tenantIds: [],
    };
  }
  const s = entries.map((e) => e.settings);
  const nonZeroMin = (xs: number[]) => (xs.filter((x) => x > 0).length ? Math.min(...xs.filter((x) => x > 0)) : 0);
  const idle = entries.map(({ roles, settings }) => {
    const perRole = settings.sessions.roleIdleMinutes.filter((r) => roles.has(r.roleId)).map((r) => r.minutes);
    return perRole.length ? Math.min(...perRole) : settings.sessions.idleMinutes;
  });
  const ipRules = entries.flatMap(({ tenantId, roles, settings }) => {
    if (!settings.ipAllowlist.enabled) return [];
    const applicable = settings.ipAllowlist.ranges.filter((r) => r.roleIds.length === 0 || r.roleIds.some((id) => roles.has(id)));
    // Ranges scoped to other roles don't restrict this person; if no range applies to them at all
    // and every range is role-scoped, the tenant doesn't restrict them.
    const everyRangeScoped = settings.ipAllowlist.ranges.length > 0 && settings.ipAllowlist.ranges.every((r) => r.roleIds.length > 0);
    if (applicable.length === 0 && everyRangeScoped) return [];
    return [{ tenantId, cidrs: applicable.map((r) => r.cidr) }];
  });
  const limited = s.filter((x) => x.sessions.maxConcurrent > 0);
  return {
    password: {
      minLength: Math.max(...s.map((x) => x.password.minLength)),
      requireUpper: s.some((x) => x.password.requireUpper),
      requireLower: s.some((x) => x.password.requireLower),
      requireDigit: s.some((x) => x.password.requireDigit),
      requireSymbol: s.some((x) => x.password.requireSymbol),
      historyCount: Math.max(...s.map((x) => x.password.historyCount)),
      expiryDays: nonZeroMin(s.map((x) => x.password.expiryDays)),
    },
    twoFactorRequired: entries.some(
      ({ roles, settings }) => settings.twoFactor.required === "everyone" || (settings.twoFactor.required === "roles" && settings.twoFactor.roleIds.some((id) => roles.has(id))),
    ),
    idleMinutes: Math.min(...idle),
    absoluteHours: Math.min(...s.map((x) => x.sessions.absoluteHours)),
    maxConcurrent: nonZeroMin(s.map((x) => x.sessions.maxConcurrent)),
    onLimit: limited.some((x) => x.sessions.onLimit === "refuse") ? "refuse" : "sign_out_oldest",
    reauthMinutes: Math.min(...s.map((x) => x.sessions.reauthMinutes)),
    lockout: { maxAttempts: Math.min(...s.map((x) => x.lockout.maxAttempts)), lockMinutes: Math.max(...s.map((x) => x.lockout.lockMinutes)) },
    ipRules,
    tenantIds: entries.map((e) => e.tenantId),
  };
}

/** Is this address allowed by every tenant rule that applies? (No rules → allowed.) */
export function ipAllowed(policy: Pick<UserPolicy, "ipRules">, ip: string | null | undefined, match: (ip: string, cidrs: string[]) => boolean): { ok: true } | { ok: false; tenantId: string } {
  for (const rule of policy.ipRules) {
    if (!ip || !match(ip, rule.cidrs)) return { ok: false, tenantId: rule.tenantId };
  }
  return { ok: true };
}
