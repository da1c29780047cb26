import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { activityWhere, present, subtreeOf, type ActivityRow } from "./activity";

/**
 * Issue 9: a person's history, a patient's access history and the compliance report, all read
 * from the audit log with the same scoping as the activity log (tenant, then the viewer's subtree).
 */
type Place = { id: string; tenantId: string };
type Range = { from?: string; to?: string };

const families = (prefixes: string[]): Prisma.AuditEventWhereInput => ({ OR: prefixes.map((p) => (p.endsWith(".") || p.endsWith("_") ? { action: { startsWith: p } } : { action: p })) });

async function rows(db: Db | Tx, where: Prisma.AuditEventWhereInput, take: number): Promise<{ rows: ActivityRow[]; total: number }> {
  const [page, total] = await Promise.all([db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take }), db.auditEvent.count({ where })]);
  return { rows: await present(db, page), total };
}

/** Is the patient's record kept at the place or under it (and in its tenant)? Otherwise the page is "not found". */
export async function patientHere(db: Db | Tx, place: Place, patientId: string): Promise<{ id: string; name: string } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(patientId)) return null;
  const visible = await subtreeOf(db, place);
  const p = await db.patient.findFirst({ where: { id: patientId, tenantId: place.tenantId, ...(visible ? { nodeId: { in: visible } } : {}) }, select: { id: true, firstName: true, lastName: true } });
  return p ? { id: p.id, name: `${p.firstName} ${p.lastName}` } : null;
}

/** Everyone who opened the chart or saw the patient in a list, newest first, with the roles they hold in the tenant. */
export async function patientAccessHistory(db: Db | Tx, place: Place, patientId: string, range: Range = {}, take = 200) {
  // The caller has checked that the patient's record is kept at the place (patientHere); every event
  // about that patient in the tenant belongs to its history, wherever it was recorded (a read from
  // the patient page carries no place of its own).
  const scope = await activityWhere(db, { id: place.tenantId, tenantId: place.tenantId }, range);
  const where: Prisma.AuditEventWhereInput = {
    AND: [scope, { OR: [{ targetType: "patient", targetId: patientId }, { action: "patient.list", details: { path: ["ids"], array_contains: [patientId] } }, { action: "clinical_note.read", details: { path: ["patientId"], equals: patientId } }] }],
  };
  const result = await rows(db, where, take);
  const actorIds = [...new Set(result.rows.flatMap((r) => (r.actor ? [r.actor.id] : [])))];
  const bindings = actorIds.length
    ? await db.roleBinding.findMany({ where: { userId: { in: actorIds }, node: { rootId: place.tenantId } }, select: { userId: true, role: { select: { name: true } }, node: { select: { name: true } } } })
    : [];
  const roles = new Map<string, string[]>();
  for (const b of bindings) roles.set(b.userId, [...(roles.get(b.userId) ?? []), `${b.role.name} at ${b.node.name}`]);
  return { ...result, rolesOf: (userId: string | undefined) => (userId ? (roles.get(userId) ?? []) : []) };
}

/** Is the person a member of the tenant (any role anywhere in it)? */
export async function personHere(db: Db | Tx, place: Place, userId: string): Promise<{ id: string; name: string; email: string } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return null;
  return db.user.findFirst({ where: { id: userId, bindings: { some: { node: { rootId: place.tenantId } } } }, select: { id: true, name: true, email: true } });
}

/** What the person did, and what was done to their account, in the viewer's scope. */
export async function personHistory(db: Db | Tx, place: Place, userId: string, take = 50) {
  const scope = await activityWhere(db, place, {});
  const [did, about] = await Promise.all([rows(db, { AND: [scope, { actorId: userId }] }, take), rows(db, { AND: [scope, { targetType: "user", targetId: userId }] }, take)]);
  return { did, about };
}

export const REPORT_SECTIONS = [
  { key: "patients", title: "Patient-record access", where: { OR: [{ targetType: "patient" }, { action: { startsWith: "patient." } }, { action: { startsWith: "clinical_note." } }, { action: "emergency_access.used" }] } },
  { key: "permissions", title: "Permission changes", where: families(["member.role_", "member.permissions_changed", "role.", "member.roles_synced", "access_request."]) },
  { key: "security", title: "Security events", where: families(["auth.", "settings.security_changed", "sso_connection.", "domain.", "scim_token.", "audit_log.export"]) },
] as const satisfies readonly { key: string; title: string; where: Prisma.AuditEventWhereInput }[];

/** The printable compliance report for a date range: each section's events (up to `take`) and its total. */
export async function complianceReport(db: Db | Tx, place: Place, range: Range, take = 500) {
  const scope = await activityWhere(db, place, range);
  return Promise.all(REPORT_SECTIONS.map(async (s) => ({ key: s.key, title: s.title, ...(await rows(db, { AND: [scope, s.where] }, take)) })));
}
