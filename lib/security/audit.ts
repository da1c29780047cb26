import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { tenantRolesOf } from "./settings";

/**
 * Security events about a person are recorded in the audit chain of every tenant they belong to
 * (so each tenant's admins see them), or once without a tenant when they belong nowhere.
 */
export async function auditForUser(
  tx: Tx | Db,
  userId: string,
  event: { actorId: string | null; action: string; details?: Record<string, unknown>; ip?: string | null; tenantIds?: string[] },
): Promise<void> {
  const tenants = event.tenantIds ?? [...(await tenantRolesOf(tx, userId)).keys()];
  const targets = tenants.length ? tenants : [null];
  for (const tenantId of targets) {
    await recordAudit(tx, { tenantId, actorId: event.actorId, action: event.action, targetType: "user", targetId: userId, details: event.details, ip: event.ip ?? null });
  }
}
