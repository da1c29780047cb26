import { AppError } from "../api/errors";
import { decide, type Subject } from "../authz";
import type { Db, Tx } from "../db/client";
import { verifyChain } from "./audit";

/** The place an activity entry point works on (the wrapper has already checked it is reachable). */
export async function placeOfActivity(db: Db | Tx, nodeId: string): Promise<{ id: string; tenantId: string }> {
  const node = await db.orgNode.findUnique({ where: { id: nodeId }, select: { id: true, rootId: true } });
  if (!node) throw new AppError("not_found", "Not found.");
  return { id: node.id, tenantId: node.rootId };
}

export type ChainVerdict = { ok: true; count: number } | { ok: false; brokenAt: string; at: string | null; action: string | null };

/** The whole tenant's chain: only for someone who may read the log at the tenant root. */
export async function verifyTenantChain(db: Db | Tx, subject: Subject, place: { tenantId: string }): Promise<ChainVerdict> {
  if (!decide(subject, "audit_log.read", { nodeId: place.tenantId })) throw new AppError("forbidden", "Verifying the chain needs the activity log of the whole organisation.");
  const result = await verifyChain(db, place.tenantId);
  if (result.ok) return result;
  const row = await db.auditEvent.findUnique({ where: { id: result.brokenAt }, select: { createdAt: true, action: true } });
  return { ok: false, brokenAt: result.brokenAt.toString(), at: row?.createdAt.toISOString() ?? null, action: row?.action ?? null };
}
