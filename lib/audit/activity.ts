import { z } from "zod";
import { AppError } from "../api/errors";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { recordAudit, type AuditTx } from "./audit";

/**
 * Settings > Activity log (issue 9): a tenant's audit events, filtered in SQL, newest first, with
 * keyset pagination on the id. The viewer's place bounds what they see: at the tenant root every
 * event of the tenant; below it (a region admin) only events about places in that subtree.
 */

const uuid = (label: string) => z.uuid({ error: `${label} must be an id.` });
const day = (label: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label} must be a date (YYYY-MM-DD).` }).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), { error: `${label} must be a real date.` });
const blank = (v: unknown) => (v === "" ? undefined : v);

export const OUTCOMES = ["success", "failure"] as const;

export const activityFilters = z
  .object({
    actor: z.preprocess(blank, uuid("Person").optional()),
    /** An exact action ("member.role_changed") or a family ending with a dot ("auth."). */
    action: z.preprocess(blank, z.string().max(100).regex(/^[a-z0-9_.]+$/, { error: "Action type must look like member.role_changed or auth." }).optional()),
    targetType: z.preprocess(blank, z.string().max(50).regex(/^[a-z0-9_]+$/, { error: "Resource type must be a word like patient or user." }).optional()),
    targetId: z.preprocess(blank, z.string().max(200).optional()),
    place: z.preprocess(blank, uuid("Place").optional()),
    outcome: z.preprocess(blank, z.enum(OUTCOMES, { error: "Outcome must be success or failure." }).optional()),
    from: z.preprocess(blank, day("From").optional()),
    to: z.preprocess(blank, day("To").optional()),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { error: "From must be on or before To.", path: ["to"] });
export type ActivityFilters = z.output<typeof activityFilters>;

export const activityQuery = z.object({
  nodeId: uuid("Place"),
  cursor: z.preprocess(blank, z.string().regex(/^\d{1,19}$/, { error: "Cursor must be a row id." }).optional()),
  limit: z.preprocess((v) => (v === "" || v === undefined ? undefined : Number(v)), z.number({ error: "Limit must be a number." }).int().min(1).max(200).default(50)),
});

export const activityListQuery = z.intersection(activityQuery, activityFilters);
export type ActivityListQuery = z.output<typeof activityListQuery>;

export interface ActivityRow {
  id: string;
  at: string;
  action: string;
  outcome: (typeof OUTCOMES)[number];
  actor: { id: string; name: string; email: string } | null;
  targetType: string | null;
  targetId: string | null;
  place: { id: string; name: string } | null;
  ip: string | null;
  userAgent: string | null;
  sessionId: string | null;
  via: string | null;
  credentialId: string | null;
  onBehalfOf: string | null;
  details: Record<string, unknown>;
}

type Place = { id: string; tenantId: string };

/** The ids of the viewer's place and everything under it, or null at the tenant root (the whole tenant). */
export async function subtreeOf(db: Db | Tx, place: Place): Promise<string[] | null> {
  if (place.id === place.tenantId) return null;
  const rows = await db.orgNodeClosure.findMany({ where: { ancestorId: place.id }, select: { descendantId: true } });
  return rows.map((r) => r.descendantId);
}

/** The SQL where for a viewer at `place` with these filters; 400 for a place filter outside the viewer's subtree. */
export async function activityWhere(db: Db | Tx, place: Place, f: ActivityFilters): Promise<Prisma.AuditEventWhereInput> {
  const and: Prisma.AuditEventWhereInput[] = [{ tenantId: place.tenantId }];
  const visible = await subtreeOf(db, place);
  if (visible) and.push({ nodeId: { in: visible } });
  if (f.place) {
    const inside = await db.orgNodeClosure.findFirst({ where: { ancestorId: place.id, descendantId: f.place }, select: { depth: true } });
    if (!inside) throw new AppError("invalid", "That place is not inside this one.", { place: ["Choose a place inside this one."] });
    const below = await subtreeOf(db, { id: f.place, tenantId: place.tenantId });
    // The tenant root as the filter is the whole tenant (tenant-wide events included).
    if (below) and.push({ nodeId: { in: below } });
  }
  if (f.actor) and.push({ actorId: f.actor });
  if (f.action) and.push(f.action.endsWith(".") ? { action: { startsWith: f.action } } : { action: f.action });
  if (f.targetType) and.push({ targetType: f.targetType });
  if (f.targetId) and.push({ targetId: f.targetId });
  // `outcome` is a generated column (migration 20261206130000_audit_outcome: 'failure' when the
  // action ends in _failed, _refused, _denied or _locked), indexed with (tenant_id, outcome, id).
  if (f.outcome) and.push({ outcome: f.outcome });
  if (f.from) and.push({ createdAt: { gte: new Date(`${f.from}T00:00:00Z`) } });
  if (f.to) and.push({ createdAt: { lt: new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000) } });
  return { AND: and };
}

type EventRow = Prisma.AuditEventGetPayload<object>;

export async function present(db: Db | Tx, rows: EventRow[]): Promise<ActivityRow[]> {
  const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  const nodeIds = [...new Set(rows.flatMap((r) => (r.nodeId ? [r.nodeId] : [])))];
  const [actors, nodes] = await Promise.all([
    actorIds.length ? db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } }) : [],
    nodeIds.length ? db.orgNode.findMany({ where: { id: { in: nodeIds } }, select: { id: true, name: true } }) : [],
  ]);
  const actorById = new Map(actors.map((a) => [a.id, a]));
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  return rows.map((r) => ({
    id: r.id.toString(),
    at: r.createdAt.toISOString(),
    action: r.action,
    outcome: r.outcome as ActivityRow["outcome"],
    actor: r.actorId ? (actorById.get(r.actorId) ?? { id: r.actorId, name: "Unknown person", email: "" }) : null,
    targetType: r.targetType,
    targetId: r.targetId,
    place: r.nodeId ? (nodeById.get(r.nodeId) ?? { id: r.nodeId, name: "Removed place" }) : null,
    ip: r.ip,
    userAgent: r.userAgent,
    sessionId: r.sessionId,
    via: r.via,
    credentialId: r.credentialId,
    onBehalfOf: r.onBehalfOf,
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
}

/** Counting stops here: past it the page says "10,000+" (an exact count of a million rows costs a full scan). */
export const COUNT_CAP = 10_000;

/**
 * How many events match, counted up to COUNT_CAP + 1 rows (a LIMIT subquery): `capped` means "more
 * than COUNT_CAP". Prisma orders that subquery; for an exact action it is ordered by time, so the
 * (tenant_id, action, created_at) index alone answers it (by id it would read every matching row).
 */
export async function countActivity(db: Db | Tx, where: Prisma.AuditEventWhereInput, f: Pick<ActivityFilters, "action"> = {}): Promise<{ count: number; capped: boolean }> {
  const exactAction = !!f.action && !f.action.endsWith(".");
  const n = await db.auditEvent.count({ where, take: COUNT_CAP + 1, orderBy: exactAction ? { createdAt: "desc" } : { id: "desc" } });
  return n > COUNT_CAP ? { count: COUNT_CAP, capped: true } : { count: n, capped: false };
}

/** "1,234 events" or "10,000+ events". */
export const totalLabel = (t: { count: number; capped: boolean }) => `${t.count.toLocaleString("en-US")}${t.capped ? "+" : ""} ${t.count === 1 && !t.capped ? "event" : "events"}`;

/** One page, newest first, and the capped count of all matching events: `nextCursor` is the id to pass as `cursor` for the next (older) page. */
export async function listActivity(db: Db | Tx, place: Place, q: ActivityListQuery): Promise<{ rows: ActivityRow[]; nextCursor: string | null; total: { count: number; capped: boolean } }> {
  const where = await activityWhere(db, place, q);
  const [page, total] = await Promise.all([
    db.auditEvent.findMany({
      where: q.cursor ? { AND: [where, { id: { lt: BigInt(q.cursor) } }] } : where,
      orderBy: { id: "desc" },
      take: q.limit + 1,
    }),
    countActivity(db, where, q),
  ]);
  const more = page.length > q.limit;
  const rows = await present(db, page.slice(0, q.limit));
  return { rows, nextCursor: more ? rows[rows.length - 1].id : null, total };
}

/** The people and action types seen in the tenant, for the filter menus. */
export async function activityFacets(db: Db | Tx, place: Place) {
  const where = await activityWhere(db, place, {});
  const [actions, actorIds] = await Promise.all([
    db.auditEvent.groupBy({ by: ["action"], where, orderBy: { action: "asc" } }),
    db.auditEvent.groupBy({ by: ["actorId"], where: { AND: [where, { actorId: { not: null } }] } }),
  ]);
  const people = await db.user.findMany({ where: { id: { in: actorIds.flatMap((a) => (a.actorId ? [a.actorId] : [])) } }, select: { id: true, name: true, email: true }, orderBy: { name: "asc" } });
  return { actions: actions.map((a) => a.action), people };
}

export const EXPORT_LIMIT = 50_000;

export const exportQuery = z.intersection(z.object({ nodeId: uuid("Place"), format: z.enum(["csv", "json"], { error: "Format must be csv or json." }).default("csv") }), activityFilters);

const CSV_COLUMNS = ["id", "at", "action", "outcome", "actorName", "actorEmail", "targetType", "targetId", "place", "ip", "userAgent", "sessionId", "via", "details"] as const;

const csvCell = (v: unknown) => {
  let s = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  // A spreadsheet must not run a cell as a formula.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The filtered view as CSV or JSON (at most EXPORT_LIMIT rows, newest first); the export is itself audited. */
export async function exportActivity(tx: AuditTx, place: Place, f: z.output<typeof exportQuery>, actor: { userId: string; ip: string | null }): Promise<{ body: string; count: number; truncated: boolean }> {
  const where = await activityWhere(tx, place, f);
  const page = await tx.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: EXPORT_LIMIT + 1 });
  const truncated = page.length > EXPORT_LIMIT;
  const rows = await present(tx, page.slice(0, EXPORT_LIMIT));
  const { nodeId: _n, format, ...filters } = f;
  await recordAudit(tx, { tenantId: place.tenantId, actorId: actor.userId, action: "audit_log.export", targetType: "audit_log", targetId: place.id, ip: actor.ip, details: { format, count: rows.length, filters } });
  if (format === "json") return { body: JSON.stringify({ place: place.id, filters, count: rows.length, truncated, events: rows }, null, 2), count: rows.length, truncated };
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const cells: Record<(typeof CSV_COLUMNS)[number], unknown> = { ...r, actorName: r.actor?.name, actorEmail: r.actor?.email, place: r.place?.name };
    lines.push(CSV_COLUMNS.map((c) => csvCell(cells[c])).join(","));
  }
  return { body: `${lines.join("\r\n")}\r\n`, count: rows.length, truncated };
}

/** A readable before/after: one line per changed field; details without before/after are listed as they are. */
export function describeChange(details: Record<string, unknown>): { field: string; before?: string; after?: string; value?: string }[] {
  const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));
  const before = details.before, after = details.after;
  if (isObject(before) || isObject(after)) {
    const b = isObject(before) ? before : {}, a = isObject(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    const changed = keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => ({ field: k, before: show(b[k]), after: show(a[k]) }));
    const rest = Object.keys(details).filter((k) => k !== "before" && k !== "after").map((k) => ({ field: k, value: show(details[k]) }));
    return [...changed, ...rest];
  }
  if (before !== undefined || after !== undefined) return [{ field: "value", before: show(before), after: show(after) }];
  // Role changes record { from, to } (lib/members/admin.ts).
  if ("from" in details && "to" in details) {
    const rest = Object.keys(details).filter((k) => k !== "from" && k !== "to").sort().map((k) => ({ field: k, value: show(details[k]) }));
    return [{ field: "role", before: details.from === null ? "none" : show(details.from), after: details.to === null ? "none" : show(details.to) }, ...rest];
  }
  return Object.keys(details).sort().map((k) => ({ field: k, value: show(details[k]) }));
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
