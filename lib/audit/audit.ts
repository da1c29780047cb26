import { createHash } from "node:crypto";
import type { Db, Tx } from "../db/client";
import { requestContext } from "../api/request-context";
import { AUDIT_SUBSCRIBERS } from "./subscribers";

/**
 * The audit log. Every change, every access to a patient's record, and every security event is
 * recorded here, in the same transaction as what it records. Rows are chained per tenant: each
 * hash covers the previous hash and the row's content, so editing or removing a row (which the
 * database refuses anyway) breaks the chain and verifyChain() finds where.
 */
export interface AuditInput {
  /** The tenant root; null for events that belong to no tenant (a failed sign-in). */
  tenantId: string | null;
  actorId: string | null;
  /** Dotted verb, e.g. "member.role_changed", "patient.viewed", "auth.sign_in_failed". */
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string | null;
  /** The place the event is about; defaults to the request's place (the wrapper sets it), null = tenant-wide. */
  nodeId?: string | null;
  /** Who/how (issue 9): default to the request context (lib/api/request-context.ts) when not given. */
  userAgent?: string | null;
  sessionId?: string | null;
  via?: string | null;
  credentialId?: string | null;
  onBehalfOf?: string | null;
}

/** Who/where/how columns added by issue 9: hashed only when set, so rows written before them still verify. */
export interface AuditProvenance {
  nodeId: string | null;
  userAgent: string | null;
  sessionId: string | null;
  via: string | null;
  credentialId: string | null;
  onBehalfOf: string | null;
}

/** An event as stored: what subscribers (lib/audit/subscribers.ts) receive. */
export interface RecordedAuditEvent {
  id: bigint;
  tenantId: string | null;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: Date;
  nodeId: string | null;
  userAgent: string | null;
  sessionId: string | null;
  via: string | null;
  credentialId: string | null;
  onBehalfOf: string | null;
}

export const GENESIS = "0".repeat(64);
const VERIFY_BATCH = 5000;

/** Canonical JSON (sorted keys) so a row hashes the same on every machine. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

const PROVENANCE_KEYS = ["nodeId", "userAgent", "sessionId", "via", "credentialId", "onBehalfOf"] as const;

type HashedEvent = { tenantId: string | null; actorId: string | null; action: string; targetType: string | null; targetId: string | null; details: unknown; ip: string | null; createdAt: Date } & Partial<AuditProvenance>;

/**
 * The row's hash. The original fields are always in the canonical body; the issue-9 provenance
 * fields only when non-null, so a row written before they existed hashes exactly as it did then.
 */
export function hashEvent(prevHash: string, e: HashedEvent): string {
  const { tenantId, actorId, action, targetType, targetId, details, ip, createdAt } = e;
  const fields: Record<string, unknown> = { tenantId, actorId, action, targetType, targetId, details, ip, createdAt: createdAt.toISOString() };
  for (const k of PROVENANCE_KEYS) if (e[k] != null) fields[k] = e[k];
  const body = canonical(fields);
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

/**
 * A transaction client and nothing else. The pool client (`Db`) has `$connect`, a transaction
 * client doesn't, so passing the pool to recordAudit() doesn't compile: the per-tenant lock below
 * is transaction-scoped, and on the pool it would be released before the row is written, letting
 * two writers read the same previous hash and fork the chain. Code without a transaction (sign-in
 * failures, the IP gate) uses recordAuditNow().
 */
export type AuditTx = Tx & { $connect?: never };

/** Prisma marks the client it passes to `$transaction(fn)` with this; the pool client has none. */
const TX_SCOPE = Symbol.for("prisma.client.transaction.scope_context");
const inTransaction = (client: object) => (client as Record<symbol, unknown>)[TX_SCOPE] !== undefined;

/**
 * Appends one event inside the caller's transaction. Takes the tenant's transaction-scoped
 * advisory lock first, so the read of the previous hash and the insert are serialized with every
 * other writer of that chain until this transaction ends. (Relies on READ COMMITTED, the default:
 * the read after the lock sees rows committed while waiting for it.)
 */
export async function recordAudit(tx: AuditTx, input: AuditInput): Promise<void> {
  // Defence in depth for a caller that casts its way past the type: never append on the pool.
  if (!inTransaction(tx)) return recordAuditNow(tx as unknown as Db, input);
  const chain = input.tenantId ?? "global";
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${chain}))`;
  const last = await tx.auditEvent.findFirst({
    where: { tenantId: input.tenantId },
    orderBy: { id: "desc" },
    select: { hash: true },
  });
  const prevHash = last?.hash ?? GENESIS;
  const context = requestContext();
  const row = {
    tenantId: input.tenantId,
    actorId: input.actorId,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    details: (input.details ?? {}) as object,
    ip: input.ip ?? context?.ip ?? null,
    createdAt: new Date(Math.floor(Date.now())),
    nodeId: input.nodeId !== undefined ? input.nodeId : (context?.nodeId ?? null),
    userAgent: input.userAgent ?? context?.userAgent ?? null,
    sessionId: input.sessionId ?? context?.sessionId ?? null,
    via: input.via ?? context?.via ?? null,
    credentialId: input.credentialId ?? context?.credentialId ?? null,
    onBehalfOf: input.onBehalfOf ?? context?.onBehalfOf ?? null,
  };
  const created = await tx.auditEvent.create({ data: { ...row, prevHash, hash: hashEvent(prevHash, row) }, select: { id: true } });
  for (const subscriber of AUDIT_SUBSCRIBERS) await subscriber(tx, { ...row, id: created.id, details: row.details as Record<string, unknown> });
}

/**
 * Appends one event in its own short transaction, committed when this returns: for code that has
 * no transaction, and for failures that must stay recorded although the request's transaction
 * rolls back (a wrong password on re-authentication).
 */
export async function recordAuditNow(db: Db, input: AuditInput): Promise<void> {
  await db.$transaction((tx: Tx) => recordAudit(tx, input));
}

/** Walks a tenant's chain (from the last archive's checkpoint, if any); returns the id of the first row that doesn't verify, or null if all do. */
export async function verifyChain(db: Db | Tx, tenantId: string | null): Promise<{ ok: true; count: number } | { ok: false; brokenAt: bigint }> {
  // After an archive (lib/audit/archive.ts) the remaining rows start from its checkpoint.
  const checkpoint = tenantId ? await db.auditArchive.findFirst({ where: { tenantId }, orderBy: { lastId: "desc" }, select: { checkpointHash: true } }) : null;
  let prevHash = checkpoint?.checkpointHash ?? GENESIS;
  let count = 0;
  // Keyset pages of VERIFY_BATCH rows; the next page is fetched while this one is hashed
  // (Promise.resolve starts Prisma's lazy query now).
  const page = (after?: bigint) =>
    Promise.resolve(db.auditEvent.findMany({ where: { tenantId, ...(after !== undefined ? { id: { gt: after } } : {}) }, orderBy: { id: "asc" }, take: VERIFY_BATCH }));
  let next = page();
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return { ok: true, count };
    next = rows.length === VERIFY_BATCH ? page(rows[rows.length - 1].id) : Promise.resolve([]);
    for (const r of rows) {
      const expected = hashEvent(prevHash, r);
      if (r.prevHash !== prevHash || r.hash !== expected) {
        next.catch(() => undefined);
        return { ok: false, brokenAt: r.id };
      }
      prevHash = r.hash;
      count++;
    }
  }
}

/** Every chain in the database (each tenant's and the platform's): what `npm run audit:verify` reports. */
export async function verifyAllChains(db: Db): Promise<{ tenantId: string | null; ok: boolean; count?: number; brokenAt?: bigint }[]> {
  const chains = await db.auditEvent.groupBy({ by: ["tenantId"], orderBy: { tenantId: "asc" } });
  const out: { tenantId: string | null; ok: boolean; count?: number; brokenAt?: bigint }[] = [];
  for (const { tenantId } of chains) {
    const r = await verifyChain(db, tenantId);
    out.push(r.ok ? { tenantId, ok: true, count: r.count } : { tenantId, ok: false, brokenAt: r.brokenAt });
  }
  return out;
}
