import { recordAudit, type AuditTx } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { tenantRolesOf } from "./settings";

type UserEvent = { actorId: string | null; action: string; details?: Record<string, unknown>; ip?: string | null; tenantIds?: string[] };

/**
 * Security events about a person are recorded in the audit chain of every tenant they belong to
 * (so each tenant's admins see them), or once without a tenant when they belong nowhere.
 * In the caller's transaction; code without one uses auditForUserNow().
 */
export async function auditForUser(tx: AuditTx, userId: string, event: UserEvent): Promise<void> {
  // Sorted: each chain's lock is held until commit, so every writer takes them in the same order
  // (two people in tenants A and B failing at once would otherwise deadlock).
  const tenants = [...(event.tenantIds ?? (await tenantRolesOf(tx, userId)).keys())].sort();
  const targets = tenants.length ? tenants : [null];
  for (const tenantId of targets) {
    await recordAudit(tx, { tenantId, actorId: event.actorId, action: event.action, targetType: "user", targetId: userId, details: event.details, ip: event.ip ?? null });
  }
}

/**
 * The same, in its own short transaction committed when this returns: for code with no transaction,
 * and for failures that must stay recorded although the request's transaction rolls back.
 */
export async function auditForUserNow(db: Db, userId: string, event: UserEvent): Promise<void> {
  await db.$transaction((tx: Tx) => auditForUser(tx, userId, event));
}
