import { hash } from "node:crypto";
import { Prisma } from "../db/generated/client";
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
const VERIFY_BATCH = 20_000;

/** Canonical JSON (sorted keys) so a row hashes the same on every machine. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

type HashedEvent = { tenantId: string | null; actorId: string | null; action: string; targetType: string | null; targetId: string | null; details: unknown; ip: string | null; createdAt: Date } & Partial<AuditProvenance>;

/**
 * The row's hash: sha256 of prevHash, "\n" and the canonical JSON of the row's fields. The original
 * fields are always in the body; the issue-9 provenance fields only when non-null, so a row written
 * before they existed hashes exactly as it did then. The body is written out in sorted key order
 * (action, actorId, createdAt, credentialId, details, ip, nodeId, onBehalfOf, sessionId, targetId,
 * targetType, tenantId, userAgent, via) instead of building and sorting an object per row: the same
 * bytes as canonical() of that object (hash.test.ts checks it against the generic form), much
 * cheaper when verifying millions of rows.
 */
export function hashEvent(prevHash: string, e: HashedEvent): string {
  return hash("sha256", `${prevHash}\n${canonicalBody(e)}`, "hex");
}

/** The canonical JSON the hash covers, after prevHash and "\n" (recordAudit() hands it to SQL, which hashes it with the previous hash it reads under the chain lock). */
export function canonicalBody(e: HashedEvent): string {
  let body = `{"action":${canonical(e.action)},"actorId":${canonical(e.actorId)},"createdAt":${JSON.stringify(e.createdAt.toISOString())}`;
  if (e.credentialId != null) body += `,"credentialId":${canonical(e.credentialId)}`;
  body += `,"details":${canonical(e.details)},"ip":${canonical(e.ip)}`;
  if (e.nodeId != null) body += `,"nodeId":${canonical(e.nodeId)}`;
  if (e.onBehalfOf != null) body += `,"onBehalfOf":${canonical(e.onBehalfOf)}`;
  if (e.sessionId != null) body += `,"sessionId":${canonical(e.sessionId)}`;
  body += `,"targetId":${canonical(e.targetId)},"targetType":${canonical(e.targetType)},"tenantId":${canonical(e.tenantId)}`;
  if (e.userAgent != null) body += `,"userAgent":${canonical(e.userAgent)}`;
  if (e.via != null) body += `,"via":${canonical(e.via)}`;
  return `${body}}`;
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
  // One statement after the lock: read the chain's last hash and insert the row linked to it, the
  // hash computed in SQL (sha256 of prevHash, "\n" and the canonical body, as hashEvent() does).
  // A new statement, so its snapshot sees every row committed while this transaction waited for the lock.
  const chainOf = input.tenantId === null ? Prisma.sql`tenant_id IS NULL` : Prisma.sql`tenant_id = ${input.tenantId}::uuid`;
  const [created] = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO audit_events (tenant_id, actor_id, action, target_type, target_id, details, ip, created_at, node_id, user_agent, session_id, via, credential_id, on_behalf_of, prev_hash, hash)
    SELECT ${row.tenantId}::uuid, ${row.actorId}::uuid, ${row.action}, ${row.targetType}, ${row.targetId}, ${JSON.stringify(row.details)}::jsonb, ${row.ip}, ${row.createdAt.toISOString()}::timestamptz,
           ${row.nodeId}::uuid, ${row.userAgent}, ${row.sessionId}, ${row.via}, ${row.credentialId}, ${row.onBehalfOf}::uuid,
           p.h, encode(sha256(convert_to(p.h || E'\n' || ${canonicalBody(row)}, 'UTF8')), 'hex')
    FROM (SELECT coalesce((SELECT hash FROM audit_events WHERE ${chainOf} ORDER BY id DESC LIMIT 1), ${GENESIS}) AS h) p
    RETURNING id`;
  for (const subscriber of AUDIT_SUBSCRIBERS) await subscriber(tx, { ...row, id: BigInt(created.id), details: row.details as Record<string, unknown> });
}

/**
 * Appends one event in its own short transaction, committed when this returns: for code that has
 * no transaction, and for failures that must stay recorded although the request's transaction
 * rolls back (a wrong password on re-authentication).
 */
export async function recordAuditNow(db: Db, input: AuditInput): Promise<void> {
  await db.$transaction((tx: Tx) => recordAudit(tx, input));
}

/**
 * A row as verifyChain() reads it: the links, and the hashed columns as one JSON array (one value
 * for the driver to decode per row, one JSON.parse here): tenant, actor, action, target type and
 * id, details, ip, created_at in epoch milliseconds (the column keeps milliseconds), node, user
 * agent, session, via, credential, on behalf of.
 */
interface ChainRow { id: bigint; prev_hash: string; hash: string; j: string }
type ChainFields = [string | null, string | null, string, string | null, string | null, unknown, string | null, number, string | null, string | null, string | null, string | null, string | null, string | null];

/** Walks a tenant's chain (from the last archive's checkpoint, if any); returns the id of the first row that doesn't verify, or null if all do. */
export async function verifyChain(db: Db | Tx, tenantId: string | null): Promise<{ ok: true; count: number } | { ok: false; brokenAt: bigint }> {
  // After an archive (lib/audit/archive.ts) the remaining rows start from its checkpoint.
  const checkpoint = tenantId ? await db.auditArchive.findFirst({ where: { tenantId }, orderBy: { lastId: "desc" }, select: { checkpointHash: true } }) : null;
  let prevHash = checkpoint?.checkpointHash ?? GENESIS;
  let count = 0;
  // Keyset pages of VERIFY_BATCH rows in raw SQL (only the links and the hashed columns); the
  // next page is fetched while this one is hashed.
  const tenant = tenantId === null ? Prisma.sql`tenant_id IS NULL` : Prisma.sql`tenant_id = ${tenantId}::uuid`;
  const page = (after: bigint) =>
    db.$queryRaw<ChainRow[]>`SELECT id, prev_hash, hash, json_build_array(tenant_id, actor_id, action, target_type, target_id, details, ip, (extract(epoch FROM created_at) * 1000)::bigint,
        node_id, user_agent, session_id, via, credential_id, on_behalf_of)::text AS j
      FROM audit_events WHERE ${tenant} AND id > ${after} ORDER BY id LIMIT ${VERIFY_BATCH}`;
  let next: Promise<ChainRow[]> = page(0n);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return { ok: true, count };
    next = rows.length === VERIFY_BATCH ? page(BigInt(rows[rows.length - 1].id)) : Promise.resolve([]);
    for (const r of rows) {
      let expected: string | null = null;
      if (r.prev_hash === prevHash) {
        const [tenantId, actorId, action, targetType, targetId, details, ip, ms, nodeId, userAgent, sessionId, via, credentialId, onBehalfOf] = JSON.parse(r.j) as ChainFields;
        expected = hashEvent(prevHash, { tenantId, actorId, action, targetType, targetId, details, ip, createdAt: new Date(ms), nodeId, userAgent, sessionId, via, credentialId, onBehalfOf });
      }
      if (r.hash !== expected) {
        next.catch(() => undefined);
        return { ok: false, brokenAt: BigInt(r.id) };
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
