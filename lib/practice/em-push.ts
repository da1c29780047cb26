import { AppError, notFound } from "../api/errors";
import { resolveRoleGrants, type Permission } from "../authz";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { tenantRoleRows } from "../roles/custom";
import { PracticeSystemError, PracticeSystemUnavailable, practiceClientFromEnv, type PracticeSystemClient } from "./connector";
import { pullOnce, setEmSync } from "./em-sync";
import { FLAG_PERMISSIONS, KNOWN_LEGACY_FLAGS, applyMigration, legacyAllows } from "./migration";

/**
 * EM Sync, push side (issue 14): a CareAccess change to a migrated person's role at the practice is
 * written to em_sync_outbox in the change's own transaction (queueEmSyncPush, called by the member
 * services), then delivered to the practice system over its REST API by deliverOnce():
 *
 * - in id order per person: a person's later change waits while an earlier one is failing;
 * - once: each row carries its Idempotency-Key (`careaccess-em:<node>:<id>`), so a retry after a
 *   timeout or a crash between the peer's answer and our commit is applied by the peer only once;
 * - with retries and backoff (2 s, 4 s, 8 s … at most 5 min) while the peer is down; a 4xx answer
 *   marks the row failed until someone presses Retry.
 *
 * Conflict rule, both directions: the later change by change time wins. A CareAccess change loses
 * to a practice-system change made after it (pushed: `conflict`, the pull brings the peer's value);
 * a pulled change loses to a CareAccess change made after it (skipped by pullOnce). Each loss is
 * recorded in em_sync_conflicts and shown on the status panel. Both clocks are assumed in step
 * (NTP); the feed's `at` is the peer's commit time, `changedAt` ours.
 */

export const CARE_ORIGIN = "careaccess";
const MAX_BACKOFF_MS = 5 * 60_000;
export const backoffMs = (attempts: number) => Math.min(2 ** attempts * 1000, MAX_BACKOFF_MS);

type Adjustments = { add?: { permission: Permission; scope?: string }[]; remove?: Permission[] } | null;

/** The legacy flags a set of permissions at the practice amounts to (practice admin only when it has everything). */
export function flagsForPermissions(perms: ReadonlySet<Permission>): string[] {
  const has = (f: string) => FLAG_PERMISSIONS[f].every((p) => perms.has(p));
  const flags = KNOWN_LEGACY_FLAGS.filter((f) => f !== "is_practice_admin" && has(f));
  return has("is_practice_admin") && flags.length === KNOWN_LEGACY_FLAGS.length - 1 ? ["is_practice_admin", ...flags] : flags;
}

/** Same answer from the old system for every known flag. */
const sameLegacyAccess = (a: readonly string[], b: readonly string[]) => KNOWN_LEGACY_FLAGS.every((f) => legacyAllows(a, f) === legacyAllows(b, f));

/**
 * Queues the person's current role at a migrated practice for the practice system, in the caller's
 * transaction. Nothing when EM Sync is off there, the person was not migrated, or the change means
 * nothing to the old model. Returns whether a row was written.
 */
export async function queueEmSyncPush(tx: Tx, nodeId: string, userId: string, now = new Date()): Promise<boolean> {
  const state = await tx.emSyncState.findUnique({ where: { nodeId } });
  if (!state?.enabled) return false;
  const link = await tx.legacyLink.findFirst({ where: { nodeId, userId } });
  if (!link) return false;
  const binding = await tx.roleBinding.findUnique({ where: { userId_nodeId: { userId, nodeId } } });
  const base = { nodeId, sourcePracticeId: state.sourcePracticeId, legacyUserId: link.legacyUserId, changedAt: now, nextAttemptAt: now };
  if (!binding || binding.pending) {
    const last = await tx.emSyncOutbox.findFirst({ where: { nodeId, legacyUserId: link.legacyUserId }, orderBy: { id: "desc" } });
    if (last?.op === "remove") return false;
    await tx.emSyncOutbox.create({ data: { ...base, op: "remove" } });
    return true;
  }
  const node = await tx.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { rootId: true } });
  const grants = resolveRoleGrants(binding.roleId, await tenantRoleRows(tx, node.rootId));
  const perms = new Set(grants.filter((g) => (g.scope ?? "subtree") === "subtree" && !g.conditions).map((g) => g.permission));
  const adj = binding.adjustments as Adjustments;
  for (const p of adj?.remove ?? []) perms.delete(p);
  for (const a of adj?.add ?? []) if ((a.scope ?? "subtree") === "subtree") perms.add(a.permission);
  // Flags the old system has and CareAccess doesn't know travel back unchanged.
  const flags = [...flagsForPermissions(perms), ...link.legacyFlags.filter((f) => !KNOWN_LEGACY_FLAGS.includes(f))];
  const last = await tx.emSyncOutbox.findFirst({ where: { nodeId, legacyUserId: link.legacyUserId }, orderBy: { id: "desc" } });
  if (sameLegacyAccess(flags, link.legacyFlags) && last?.op !== "remove") return false;
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, name: true } });
  await tx.emSyncOutbox.create({ data: { ...base, op: "upsert", payload: { email: user.email, name: user.name, flags } } });
  await tx.legacyLink.update({ where: { nodeId_legacyUserId: { nodeId, legacyUserId: link.legacyUserId } }, data: { legacyFlags: flags } });
  return true;
}

export type PushResult = { status: "off" } | { status: "ok"; delivered: number; conflicts: number; failed: number; waiting: number; error?: string };

/** Delivers the practice's due outbox rows, oldest first, one person's rows strictly in order. */
export async function deliverOnce(db: Db, client: PracticeSystemClient, nodeId: string, opts: { limit?: number; now?: Date } = {}): Promise<PushResult> {
  const state = await db.emSyncState.findUnique({ where: { nodeId } });
  if (!state?.enabled) return { status: "off" };
  const now = opts.now ?? new Date();
  const rows = await db.emSyncOutbox.findMany({ where: { nodeId, status: { in: ["pending", "failed"] } }, orderBy: { id: "asc" }, take: opts.limit ?? 500 });
  const blocked = new Set<string>();
  const out = { status: "ok" as const, delivered: 0, conflicts: 0, failed: 0, waiting: 0, error: undefined as string | undefined };
  for (const row of rows) {
    if (blocked.has(row.legacyUserId) || row.status === "failed" || row.nextAttemptAt > now) {
      blocked.add(row.legacyUserId);
      out.waiting++;
      continue;
    }
    try {
      const remote = await client.user(row.sourcePracticeId, row.legacyUserId);
      const lc = remote.lastChange;
      if (lc && lc.origin !== CARE_ORIGIN && Date.parse(lc.at) > row.changedAt.getTime()) {
        await db.$transaction(async (tx) => {
          const n = await tx.emSyncOutbox.updateMany({ where: { id: row.id, status: "pending" }, data: { status: "conflict", lastError: `The practice system changed this person later (${lc.at}); its change wins.` } });
          if (n.count) {
            await tx.emSyncConflict.create({
              data: { nodeId, legacyUserId: row.legacyUserId, direction: "push", localAt: row.changedAt, remoteAt: new Date(lc.at), details: { outboxId: Number(row.id), op: row.op, remoteSeq: lc.seq, winner: "practice_system" } },
            });
          }
        });
        out.conflicts++;
        continue;
      }
      const key = `careaccess-em:${nodeId}:${row.id}`;
      if (row.op === "remove") await client.removeUser(row.sourcePracticeId, row.legacyUserId, CARE_ORIGIN, key);
      else await client.putUser(row.sourcePracticeId, row.legacyUserId, { ...(row.payload as { email: string; name: string; flags: string[] }), origin: CARE_ORIGIN }, key);
      await db.emSyncOutbox.updateMany({ where: { id: row.id, status: "pending" }, data: { status: "delivered", deliveredAt: new Date(), attempts: row.attempts + 1, lastError: null } });
      out.delivered++;
    } catch (err) {
      blocked.add(row.legacyUserId);
      if (err instanceof PracticeSystemUnavailable) {
        await db.emSyncOutbox.update({ where: { id: row.id }, data: { attempts: row.attempts + 1, nextAttemptAt: new Date(now.getTime() + backoffMs(row.attempts + 1)), lastError: err.message } });
        out.error = err.message;
        out.waiting += rows.length - rows.indexOf(row);
        break; // the peer is down: the rest waits for the next round
      }
      if (err instanceof PracticeSystemError) {
        await db.emSyncOutbox.update({ where: { id: row.id }, data: { status: "failed", attempts: row.attempts + 1, lastError: `${err.status}: ${err.message}` } });
        out.failed++;
        continue;
      }
      throw err;
    }
  }
  return out;
}

/** Retry: failed rows and rows in backoff are due again now. */
export async function retryEmSync(tx: Tx, actor: { userId: string; ip: string | null }, nodeId: string) {
  const node = await tx.orgNode.findUnique({ where: { id: nodeId }, select: { rootId: true, kind: true } });
  if (!node || node.kind !== "PRACTICE") throw notFound("That practice");
  const now = new Date();
  const { count } = await tx.emSyncOutbox.updateMany({ where: { nodeId, OR: [{ status: "failed" }, { status: "pending", nextAttemptAt: { gt: now } }] }, data: { status: "pending", nextAttemptAt: now, attempts: 0 } });
  await tx.emSyncState.updateMany({ where: { nodeId }, data: { lastError: null } });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "em_sync.retried", targetType: "org_node", targetId: nodeId, ip: actor.ip, details: { rows: count } });
  return { retried: count };
}

/**
 * The toggle. ON migrates the practice first when it has no live migration, then syncs both ways;
 * the first time on, the feed cursor starts at the feed's head as read before the migration. OFF stops both
 * directions and keeps everything migrated. Runs its own transaction (a migration can be large).
 */
export async function toggleEmSync(db: Db, client: PracticeSystemClient, actor: { userId: string; ip: string | null }, input: { nodeId: string; sourcePracticeId: string; enabled: boolean }) {
  const live = await db.legacyMigration.findFirst({ where: { nodeId: input.nodeId, rolledBackAt: null }, orderBy: { appliedAt: "desc" } });
  if (input.enabled && live && live.sourcePracticeId !== input.sourcePracticeId) {
    throw new AppError("invalid", "This practice was migrated from another practice-system practice.", { sourcePracticeId: [`Use ${live.sourcePracticeId}, the practice it was migrated from.`] });
  }
  const first = input.enabled && !(await db.emSyncState.findUnique({ where: { nodeId: input.nodeId } }));
  return db.$transaction(
    async (tx) => {
      const migration = input.enabled && !live ? await applyMigration(tx, client, actor, input) : null;
      const state = await setEmSync(tx, actor, input);
      // The first time on, the pull starts at the feed's head as it was when the practice was migrated.
      const feedHead = ((migration ? await tx.legacyMigration.findUniqueOrThrow({ where: { id: migration.migrationId } }) : live)?.report as { feedHead?: number } | undefined)?.feedHead;
      if (first && typeof feedHead === "number") await tx.emSyncState.update({ where: { nodeId: input.nodeId }, data: { cursor: BigInt(feedHead) } });
      return { enabled: state.enabled, migrated: migration ? { migrationId: migration.migrationId, people: migration.plan.summary.people - migration.plan.summary.skipped } : null };
    },
    { timeout: 600_000 },
  );
}

export interface EmSyncStatus {
  enabled: boolean;
  sourcePracticeId: string | null;
  lastPullAt: string | null;
  lastPushAt: string | null;
  /** ms since the oldest change not yet delivered (0 when nothing waits). */
  lagMs: number;
  pending: number;
  /** Feed entries after our cursor (null when the practice system doesn't answer). */
  feedBehind: number | null;
  lastError: string | null;
  errors: { id: string; op: string; legacyUserId: string; attempts: number; lastError: string | null; status: string; nextAttemptAt: string }[];
  conflicts: { count: number; recent: { legacyUserId: string; direction: string; localAt: string; remoteAt: string; createdAt: string }[] };
  migration: { id: string; appliedAt: string; rollbackUntil: string; rolledBackAt: string | null; people: number } | null;
}

/** The status panel's figures. */
export async function emSyncStatus(db: Db | Tx, client: PracticeSystemClient | null, nodeId: string, now = new Date()): Promise<EmSyncStatus> {
  // One after another: inside a transaction they share one connection.
  const state = await db.emSyncState.findUnique({ where: { nodeId } });
  const pending = await db.emSyncOutbox.count({ where: { nodeId, status: { in: ["pending", "failed"] } } });
  const oldest = await db.emSyncOutbox.findFirst({ where: { nodeId, status: { in: ["pending", "failed"] } }, orderBy: { id: "asc" }, select: { changedAt: true } });
  const lastPush = await db.emSyncOutbox.findFirst({ where: { nodeId, status: "delivered" }, orderBy: { deliveredAt: "desc" }, select: { deliveredAt: true } });
  const errors = await db.emSyncOutbox.findMany({ where: { nodeId, lastError: { not: null }, status: { in: ["pending", "failed"] } }, orderBy: { id: "asc" }, take: 20 });
  const conflictCount = await db.emSyncConflict.count({ where: { nodeId } });
  const conflicts = await db.emSyncConflict.findMany({ where: { nodeId }, orderBy: { createdAt: "desc" }, take: 10 });
  const migration = await db.legacyMigration.findFirst({ where: { nodeId }, orderBy: { appliedAt: "desc" } });
  let feedBehind: number | null = null;
  if (client && state) feedBehind = await client.changes(Number(state.cursor), 1).then((r) => Math.max(0, r.head - Number(state.cursor)), () => null);
  return {
    enabled: state?.enabled ?? false,
    sourcePracticeId: state?.sourcePracticeId ?? migration?.sourcePracticeId ?? null,
    lastPullAt: state?.lastSyncAt?.toISOString() ?? null,
    lastPushAt: lastPush?.deliveredAt?.toISOString() ?? null,
    lagMs: oldest ? Math.max(0, now.getTime() - oldest.changedAt.getTime()) : 0,
    pending,
    feedBehind,
    lastError: state?.lastError ?? null,
    errors: errors.map((e) => ({ id: String(e.id), op: e.op, legacyUserId: e.legacyUserId, attempts: e.attempts, lastError: e.lastError, status: e.status, nextAttemptAt: e.nextAttemptAt.toISOString() })),
    conflicts: {
      count: conflictCount,
      recent: conflicts.map((c) => ({ legacyUserId: c.legacyUserId, direction: c.direction, localAt: c.localAt.toISOString(), remoteAt: c.remoteAt.toISOString(), createdAt: c.createdAt.toISOString() })),
    },
    migration: migration
      ? {
          id: migration.id,
          appliedAt: migration.appliedAt.toISOString(),
          rollbackUntil: migration.rollbackUntil.toISOString(),
          rolledBackAt: migration.rolledBackAt?.toISOString() ?? null,
          people: (migration.report as { people?: number; skipped?: number }).people ?? 0,
        }
      : null,
  };
}

/** One round for every practice with EM Sync on: pull, then push. */
export async function syncRound(db: Db, client: PracticeSystemClient) {
  const states = await db.emSyncState.findMany({ where: { enabled: true }, select: { nodeId: true } });
  for (const s of states) {
    try {
      await pullOnce(db, client, s.nodeId);
      await deliverOnce(db, client, s.nodeId);
    } catch (err) {
      // One practice's failure (a 401 from a wrong token, say) shows on its panel; the others go on.
      if (missingTable(err)) throw err;
      await db.emSyncState.update({ where: { nodeId: s.nodeId }, data: { lastError: (err as Error).message.slice(0, 500) } });
    }
  }
  return states.length;
}

// ── The scheduler: in-process, every few seconds (started by instrumentation.ts). ──
type Worker = { timer?: NodeJS.Timeout; running: boolean; db?: () => Promise<Db>; lastLogged?: string };
const holder = globalThis as unknown as { __careaccessEmSync?: Worker };

/** A database without the tables yet (before `db:migrate`): not an error worth a log line each round. */
const missingTable = (err: unknown) => {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  return e?.code === "P2021" || e?.code === "42P01" || e?.cause?.code === "42P01" || /does not exist/.test(e?.message ?? "");
};

export function startEmSyncWorker(db: () => Promise<Db>, intervalMs = Number(process.env.EM_SYNC_INTERVAL_MS ?? 3000)): void {
  const w = (holder.__careaccessEmSync ??= { running: false });
  w.db = db;
  if (w.timer) return;
  w.timer = setInterval(() => void round(), intervalMs);
  w.timer.unref?.();
}

async function round(): Promise<void> {
  const w = holder.__careaccessEmSync;
  if (!w?.db || w.running) return;
  w.running = true;
  try {
    await syncRound(await w.db(), practiceClientFromEnv());
    w.lastLogged = undefined;
  } catch (err) {
    // Logged once per distinct failure, not every round.
    const msg = (err as Error)?.message ?? String(err);
    if (!missingTable(err) && w.lastLogged !== msg) console.error("EM Sync round failed", err);
    w.lastLogged = msg;
  } finally {
    w.running = false;
  }
}
