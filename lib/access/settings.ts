import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { builtinRoleId, isOwnerAt, lookupNode, type Subject } from "../authz";
import type { Db, Tx } from "../db/client";
import { assignableRoles } from "../members/admin";

/**
 * A tenant's temporary-access policy (issue 11): break-glass emergency access (on or off, how long
 * the window is, which roles may use it) and inactivity expiry of memberships (off by default).
 * Stored in access_settings; no row means the defaults. Only an Owner changes it (audited).
 */
export interface AccessPolicy {
  breakGlassEnabled: boolean;
  breakGlassMinutes: number;
  breakGlassRoleIds: string[];
  /** null: off. */
  inactivityDays: number | null;
  inactivityWarnDays: number;
}

export const DEFAULT_POLICY: AccessPolicy = {
  breakGlassEnabled: true,
  breakGlassMinutes: 60,
  breakGlassRoleIds: [builtinRoleId("provider")],
  inactivityDays: null,
  inactivityWarnDays: 7,
};

export async function accessPolicy(db: Db | Tx, tenantId: string): Promise<AccessPolicy> {
  const row = await db.accessSettings.findUnique({ where: { tenantId } });
  if (!row) return { ...DEFAULT_POLICY, breakGlassRoleIds: [...DEFAULT_POLICY.breakGlassRoleIds] };
  return {
    breakGlassEnabled: row.breakGlassEnabled,
    breakGlassMinutes: row.breakGlassMinutes,
    breakGlassRoleIds: row.breakGlassRoleIds,
    inactivityDays: row.inactivityDays,
    inactivityWarnDays: row.inactivityWarnDays,
  };
}

export const accessPolicySchema = z
  .object({
    tenantId: z.uuid({ error: "Choose an organisation." }),
    breakGlassEnabled: z.boolean({ error: "Say whether emergency access is on." }),
    breakGlassMinutes: z.coerce
      .number({ error: "Give the window in minutes." })
      .int("Give whole minutes.")
      .min(5, "The window is at least 5 minutes.")
      .max(24 * 60, "The window is at most a day (1,440 minutes)."),
    breakGlassRoleIds: z.array(z.string().min(1)).max(50, "Choose at most 50 roles."),
    inactivityDays: z.coerce.number().int("Give whole days.").min(7, "At least 7 days.").max(730, "At most 730 days.").nullable(),
    inactivityWarnDays: z.coerce.number().int("Give whole days.").min(1, "Warn at least a day before.").max(60, "Warn at most 60 days before."),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.inactivityDays !== null && v.inactivityWarnDays >= v.inactivityDays) {
      ctx.addIssue({ code: "custom", path: ["inactivityWarnDays"], message: "The warning must come before the suspension." });
    }
  });
export type AccessPolicyInput = z.output<typeof accessPolicySchema>;

/** Saves the policy: Owners only (403 for anyone else who may read settings), audited with before/after. */
export async function saveAccessPolicy(tx: Tx, actor: { subject: Subject; userId: string; ip?: string | null }, input: AccessPolicyInput): Promise<AccessPolicy> {
  const root = lookupNode(actor.subject, input.tenantId);
  if (!root || root.parentId !== null) throw notFound("That organisation");
  if (!isOwnerAt(actor.subject, input.tenantId)) throw new AppError("forbidden", "Only an Owner can change emergency access and inactivity settings.");
  const roles = new Set((await assignableRoles(tx, input.tenantId)).map((r) => r.id));
  const unknown = input.breakGlassRoleIds.filter((id) => !roles.has(id));
  if (unknown.length) throw new AppError("invalid", "Some fields need attention.", { breakGlassRoleIds: ["Choose roles of this organisation."] });
  const before = await accessPolicy(tx, input.tenantId);
  const data = {
    breakGlassEnabled: input.breakGlassEnabled,
    breakGlassMinutes: input.breakGlassMinutes,
    breakGlassRoleIds: [...new Set(input.breakGlassRoleIds)],
    inactivityDays: input.inactivityDays,
    inactivityWarnDays: input.inactivityWarnDays,
    updatedById: actor.userId,
    updatedAt: new Date(),
  };
  await tx.accessSettings.upsert({ where: { tenantId: input.tenantId }, create: { tenantId: input.tenantId, ...data }, update: data });
  const after = await accessPolicy(tx, input.tenantId);
  await recordAudit(tx, { tenantId: input.tenantId, actorId: actor.userId, action: "access_settings.changed", targetType: "tenant", targetId: input.tenantId, details: { before, after } as unknown as Record<string, unknown>, ip: actor.ip });
  return after;
}
