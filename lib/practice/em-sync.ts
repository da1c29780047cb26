import { notFound } from "../api/errors";
import { bumpAuthzVersion } from "../authz/load";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { PracticeSystemUnavailable, type PracticeSystemClient } from "./connector";
import { candidateRoles, closestRole, targetPermissions } from "./migration";

/**
 * EM Sync, pull side (issue 14): the practice system's change feed applied to the migrated
 * practice, in feed order, with the cursor saved in the same transaction as the changes (so a
 * change is applied once, even across retries, crashes or the peer going down). Conflict rule
 * (shared with the push side, lib/practice/em-push.ts): the later change by change time wins, so a
 * pulled change older than a CareAccess change to the same person is skipped and recorded. Changes
 * CareAccess itself wrote (origin "careaccess") are skipped. OFF stops pulling; everything migrated stays.
 */

export async function setEmSync(tx: Tx, actor: { userId: string; ip: string | null }, input: { nodeId: string; sourcePracticeId: string; enabled: boolean }) {
  const node = await tx.orgNode.findUnique({ where: { id: input.nodeId }, select: { id: true, kind: true, rootId: true } });
  if (!node || node.kind !== "PRACTICE") throw notFound("That practice");
  const state = await tx.emSyncState.upsert({
    where: { nodeId: input.nodeId },
    create: { nodeId: input.nodeId, sourcePracticeId: input.sourcePracticeId, enabled: input.enabled },
    update: { enabled: input.enabled, updatedAt: new Date() },
  });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: input.enabled ? "em_sync.enabled" : "em_sync.disabled", targetType: "org_node", targetId: input.nodeId, ip: actor.ip, details: { sourcePracticeId: state.sourcePracticeId } });
  return state;
}

export type PullResult = { status: "off" } | { status: "error"; error: string } | { status: "ok"; applied: number; skipped: number; cursor: number };

/** One pull: reads the feed after the saved cursor (over HTTP, outside the transaction), then applies it. */
export async function pullOnce(db: Db, client: PracticeSystemClient, nodeId: string, opts: { limit?: number; now?: Date } = {}): Promise<PullResult> {
  const state = await db.emSyncState.findUnique({ where: { nodeId } });
  if (!state?.enabled) return { status: "off" };
  let feed;
  try {
    feed = await client.changes(Number(state.cursor), opts.limit ?? 500);
  } catch (err) {
    if (!(err instanceof PracticeSystemUnavailable)) throw err;
    await db.emSyncState.update({ where: { nodeId }, data: { lastError: err.message } });
    return { status: "error", error: err.message };
  }
  return db.$transaction(
    async (tx) => {
      // Another pull got here first (or the toggle went off): apply nothing twice.
      const now = await tx.emSyncState.findUnique({ where: { nodeId } });
      if (!now?.enabled) return { status: "off" as const };
      if (now.cursor !== state.cursor) return { status: "ok" as const, applied: 0, skipped: 0, cursor: Number(now.cursor) };
      const node = await tx.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { rootId: true } });
      const roles = await candidateRoles(tx, node.rootId);
      let applied = 0;
      let skipped = 0;
      for (const c of feed.changes) {
        if (c.practiceId !== state.sourcePracticeId || c.origin === "careaccess") {
          skipped++;
          continue;
        }
        const link = await tx.legacyLink.findUnique({ where: { nodeId_legacyUserId: { nodeId, legacyUserId: c.userId } } });
        if (!link) {
          skipped++;
          continue;
        }
        // Conflict rule (lib/practice/em-push.ts): a CareAccess change made after this one wins.
        const later = await tx.emSyncOutbox.findFirst({ where: { nodeId, legacyUserId: c.userId, changedAt: { gt: new Date(c.at) }, status: { in: ["pending", "failed", "delivered"] } }, orderBy: { id: "desc" } });
        if (later) {
          await tx.emSyncConflict.create({ data: { nodeId, legacyUserId: c.userId, direction: "pull", localAt: later.changedAt, remoteAt: new Date(c.at), details: { remoteSeq: c.seq, outboxId: Number(later.id), winner: "careaccess" } } });
          skipped++;
          continue;
        }
        if (c.op === "remove") {
          await tx.roleBinding.deleteMany({ where: { userId: link.userId, nodeId } });
        } else {
          const flags = c.data.flags ?? [];
          const choice = closestRole(targetPermissions(flags), roles);
          const adjustments = { ...(choice.add.length ? { add: choice.add.map((permission) => ({ permission, scope: "subtree" as const })) } : {}), ...(choice.remove.length ? { remove: choice.remove } : {}) };
          await tx.roleBinding.upsert({
            where: { userId_nodeId: { userId: link.userId, nodeId } },
            create: { userId: link.userId, nodeId, roleId: choice.roleId, adjustments, reason: `EM Sync from the practice system (${state.sourcePracticeId})` },
            update: { roleId: choice.roleId, adjustments },
          });
          await tx.legacyLink.update({ where: { nodeId_legacyUserId: { nodeId, legacyUserId: c.userId } }, data: { legacyFlags: flags } });
        }
        applied++;
      }
      await tx.emSyncState.update({ where: { nodeId }, data: { cursor: BigInt(feed.cursor), lastSyncAt: opts.now ?? new Date(), lastError: null } });
      if (applied) {
        await bumpAuthzVersion(tx, node.rootId);
        await recordAudit(tx, { tenantId: node.rootId, actorId: null, action: "em_sync.pulled", targetType: "org_node", targetId: nodeId, details: { applied, from: Number(state.cursor), to: feed.cursor } });
      }
      return { status: "ok" as const, applied, skipped, cursor: feed.cursor };
    },
    { timeout: 120_000 },
  );
}
