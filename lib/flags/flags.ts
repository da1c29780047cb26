import { z } from "zod";
import { AppError, forbidden, notFound } from "../api/errors";
import { FEATURE_FLAGS, FLAG_KEYS, decide, isFeatureFlag, type FeatureFlag, type Subject } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import { ROLE_TEMPLATES, builtinRoleId } from "../authz/roles";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";

/**
 * Settings → Features (issue 14): a tenant's feature flags, on/off and the roles that don't see
 * them. Platform flags (enterprise management, EM Sync) are turned on or off by platform staff
 * only; everything else (including which roles see a platform flag) needs `settings.edit` at the
 * tenant root. Every change bumps the tenant's tree version (cached subjects reload the flags) and
 * is audited as `feature_flag.changed` in its transaction.
 */

export const flagUpdateSchema = z
  .object({
    tenantId: z.uuid({ error: "Choose an organisation." }),
    flag: z.string().refine(isFeatureFlag, "Unknown feature flag."),
    enabled: z.boolean({ error: "Choose on or off." }).optional(),
    hiddenRoleIds: z.array(z.string().min(1).max(100), { error: "Choose roles." }).max(100).optional(),
  })
  .strict()
  .refine((v) => v.enabled !== undefined || v.hiddenRoleIds !== undefined, { message: "Nothing to change.", path: ["enabled"] });
export type FlagUpdate = z.infer<typeof flagUpdateSchema>;

/** The access resource of the flag entry points: the tenant root itself, or null (404) for anything else. */
export async function flagTenantRef(input: { tenantId: string }, ctx: { db: Db | Tx }): Promise<{ nodeId: string } | null> {
  const node = await ctx.db.orgNode.findUnique({ where: { id: input.tenantId }, select: { id: true, rootId: true, archivedAt: true } });
  return node && node.id === node.rootId && !node.archivedAt ? { nodeId: node.id } : null;
}

export interface FlagState {
  flag: FeatureFlag;
  label: string;
  description: string;
  platformOnly: boolean;
  enabled: boolean;
  hiddenRoleIds: string[];
  updatedAt: Date | null;
}

async function tenantOf(db: Db | Tx, tenantId: string) {
  const root = await db.orgNode.findUnique({ where: { id: tenantId }, select: { id: true, rootId: true, kind: true, featureFlags: true } });
  if (!root || root.id !== root.rootId) throw notFound("That organisation");
  return root;
}

/** The roles a tenant can hide a feature from: its family's built-in roles, then its custom roles. */
export async function flagRoleChoices(db: Db | Tx, tenantId: string): Promise<{ id: string; name: string }[]> {
  const root = await tenantOf(db, tenantId);
  const family = root.kind === "CARE_PROFILE" ? "care" : "clinic";
  const custom = await db.role.findMany({ where: { tenantId }, orderBy: { name: "asc" }, select: { id: true, name: true } });
  return [...ROLE_TEMPLATES.filter((t) => t.family === family || t.family === "platform").map((t) => ({ id: builtinRoleId(t.key), name: t.name })), ...custom];
}

/** Every flag of the tenant with its current value (stored row, else the root's JSON, else the default). */
export async function listTenantFlags(db: Db | Tx, tenantId: string): Promise<FlagState[]> {
  const root = await tenantOf(db, tenantId);
  const rows = new Map((await db.featureFlag.findMany({ where: { tenantId } })).map((r) => [r.flag, r]));
  const json = (root.featureFlags && typeof root.featureFlags === "object" ? root.featureFlags : {}) as Record<string, unknown>;
  return FLAG_KEYS.map((flag) => {
    const def = FEATURE_FLAGS[flag];
    const row = rows.get(flag);
    const enabled = row ? row.enabled : typeof json[flag] === "boolean" ? (json[flag] as boolean) : def.default;
    return { flag, label: def.label, description: def.description, platformOnly: def.platformOnly, enabled, hiddenRoleIds: row?.hiddenRoleIds ?? [], updatedAt: row?.updatedAt ?? null };
  });
}

/** Applies one change to one flag. Returns the flag as it is now. */
export async function updateFeatureFlag(tx: Tx, actor: { userId: string; subject: Subject; ip: string | null }, input: FlagUpdate): Promise<FlagState> {
  const flag = input.flag as FeatureFlag;
  const def = FEATURE_FLAGS[flag];
  const before = (await listTenantFlags(tx, input.tenantId)).find((f) => f.flag === flag)!;
  const canEdit = decide(actor.subject, "settings.edit", { nodeId: input.tenantId });
  if (input.enabled !== undefined && input.enabled !== before.enabled) {
    if (def.platformOnly && !actor.subject.isPlatformStaff) throw forbidden(`Only CareAccess staff turn ${def.label} on or off.`);
    if (!def.platformOnly && !canEdit) throw forbidden();
  }
  let hidden = before.hiddenRoleIds;
  if (input.hiddenRoleIds !== undefined) {
    const wanted = [...new Set(input.hiddenRoleIds)].sort();
    if (wanted.join() !== [...before.hiddenRoleIds].sort().join()) {
      if (!canEdit) throw forbidden("Only the organisation's owners and admins choose which roles see a feature.");
      const known = new Set((await flagRoleChoices(tx, input.tenantId)).map((r) => r.id));
      const unknown = wanted.filter((id) => !known.has(id));
      if (unknown.length) throw new AppError("invalid", "Check the roles.", { hiddenRoleIds: [`Not a role of this organisation: ${unknown.join(", ")}`] });
      hidden = wanted;
    }
  }
  const enabled = input.enabled ?? before.enabled;
  if (enabled === before.enabled && hidden === before.hiddenRoleIds) return before;
  const row = await tx.featureFlag.upsert({
    where: { tenantId_flag: { tenantId: input.tenantId, flag } },
    create: { tenantId: input.tenantId, flag, enabled, hiddenRoleIds: hidden, updatedById: actor.userId },
    update: { enabled, hiddenRoleIds: hidden, updatedById: actor.userId, updatedAt: new Date() },
  });
  await bumpAuthzVersion(tx, input.tenantId, { tree: true });
  await recordAudit(tx, {
    tenantId: input.tenantId,
    actorId: actor.userId,
    action: "feature_flag.changed",
    targetType: "feature_flag",
    targetId: flag,
    ip: actor.ip,
    details: { flag, before: { enabled: before.enabled, hiddenRoleIds: before.hiddenRoleIds }, after: { enabled, hiddenRoleIds: hidden }, asPlatformStaff: actor.subject.isPlatformStaff },
  });
  return { ...before, enabled: row.enabled, hiddenRoleIds: row.hiddenRoleIds, updatedAt: row.updatedAt };
}
