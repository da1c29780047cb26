import "server-only";
import { inSubtree } from "../orgs/nodes";
import { decide, lookupNode, resourceOfRow, where, type Subject } from "../authz";
import type { NodeKind } from "../authz/tree";
import { careWhere } from "../care/filters";
import { addDays, localDate, localTime, zonedToUtc } from "../care/time";
import { can, holds } from "../context/enterable";
import type { Db, Tx } from "../db/client";
import { countMembers } from "../members/directory";

/**
 * A place's overview: what the person can act on there. Each card is loaded only when the policy
 * module allows it (decide()/holds() for the card, where() for its rows); a card the role doesn't
 * allow is null and doesn't show. Dates are in the place's time zone.
 */
type Place = { id: string; kind: NodeKind; tenantId: string };

/** Security events worth an Owner's or Admin's attention (lib/security, lib/members/admin.ts). */
export const ALERT_ACTIONS = [
  "auth.account_locked",
  "auth.ip_blocked",
  "auth.2fa_disabled",
  "auth.recovery_code_used",
  "auth.password_reset",
  "member.suspended",
  "member.disabled",
  "member.removed",
  "member.deleted",
  "settings.security_changed",
] as const;
const ALERT_DAYS = 30;
const EXPIRY_DAYS = 14;

export interface Overview {
  stats: { people: number | null; patients: number | null; locations: number | null; seats: number | null };
  contacts: { id: string; name: string; email: string; phone: string | null; role: string }[] | null;
  myShifts: { id: string; title: string; date: string; start: string; end: string }[] | null;
  appointments: { id: string; time: string; minutes: number; patient: string; provider: string; place: string; status: string; reason: string }[] | null;
  expiring: { id: string; userId: string; name: string; email: string; role: string; place: string; date: string }[] | null;
  alerts: { id: string; action: string; target: string | null; at: string; date: string }[] | null;
  timeZone: string;
}

export async function placeOverview(db: Db | Tx, subject: Subject, place: Place, now = new Date()): Promise<Overview> {
  const timeZone = lookupNode(subject, place.id)?.timeZone ?? "UTC";
  const care = place.kind === "CARE_PROFILE";
  const [people, patients, locations, seats, contacts, myShifts, appointments, expiring, alerts] = await Promise.all([
    !care && can(subject, "members.read", place.id) ? countMembers(db, place.id) : null,
    !care ? countPatients(db, subject, place.id) : null,
    !care && place.kind !== "LOCATION" ? db.orgNodeClosure.count({ where: { ancestorId: place.id, descendant: { kind: "LOCATION", archivedAt: null } } }) : null,
    can(subject, "members.read", place.tenantId) ? countSeats(db, place.tenantId) : null,
    care && can(subject, "members.read_contact", place.id) ? teamContacts(db, place.id) : null,
    care && holds(subject, "care_schedule.read", place.id) ? nextShifts(db, subject, place.id, timeZone, now) : null,
    !care && holds(subject, "appointments.read", place.id) ? todaysAppointments(db, subject, place.id, timeZone, now) : null,
    can(subject, "members.read", place.id) ? expiringAccess(db, place.id, timeZone, now) : null,
    can(subject, "audit_log.read", place.tenantId) ? securityAlerts(db, place.tenantId, timeZone, now) : null,
  ]);
  return { stats: { people, patients, locations, seats }, contacts, myShifts, appointments, expiring, alerts, timeZone };
}


function countPatients(db: Db | Tx, subject: Subject, nodeId: string) {
  return db.patient.count({ where: { AND: [where(subject, "patients.read_contact", "patient"), { node: inSubtree(nodeId) }] } });
}

/** Accepted members of the tenant (invitees and people suspended here take no seat). */
function countSeats(db: Db | Tx, tenantId: string) {
  return db.user.count({ where: { deletedAt: null, bindings: { some: { pending: false, node: { rootId: tenantId } } }, suspensions: { none: { tenantId } } } });
}

/**
 * The team's contacts (members.read_contact: every care role that works with the team): accepted
 * members only. An invitee (pending binding) is not on the team until they accept, and their
 * account details are theirs (lib/members/directory.ts inviteeView).
 */
export async function teamContacts(db: Db | Tx, profileId: string) {
  const users = await db.user.findMany({
    where: { deletedAt: null, status: { not: "DISABLED" }, bindings: { some: { nodeId: profileId, pending: false } }, suspensions: { none: { tenantId: profileId } } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true, email: true, phone: true, bindings: { where: { nodeId: profileId, pending: false }, select: { role: { select: { name: true } } } } },
  });
  return users.map((u) => ({ id: u.id, name: u.name, email: u.email, phone: u.phone, role: u.bindings[0]?.role.name ?? "" }));
}

/** The person's own next shifts (not yet ended), read through the same filter as the schedule. */
async function nextShifts(db: Db | Tx, subject: Subject, profileId: string, timeZone: string, now: Date) {
  const rows = await db.careShift.findMany({
    where: { AND: [careWhere(subject, "care_schedule.read", "careShift"), { profileId, assigneeId: subject.userId, endsAt: { gt: now } }] },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: 3,
    select: { id: true, title: true, startsAt: true, endsAt: true },
  });
  return rows.map((r) => ({ id: r.id, title: r.title, date: localDate(r.startsAt, timeZone), start: localTime(r.startsAt, timeZone), end: localTime(r.endsAt, timeZone) }));
}

/** Today's appointments at the place and below that the person may read; a patient's name only with patients.read_contact on them. */
async function todaysAppointments(db: Db | Tx, subject: Subject, nodeId: string, timeZone: string, now: Date) {
  const today = localDate(now, timeZone);
  const here = (await db.orgNodeClosure.findMany({ where: { ancestorId: nodeId }, select: { descendantId: true } })).map((c) => c.descendantId);
  const rows = await db.appointment.findMany({
    where: {
      AND: [
        where(subject, "appointments.read", "appointment"),
        { nodeId: { in: here }, startsAt: { gte: zonedToUtc(today, "00:00", timeZone), lt: zonedToUtc(addDays(today, 1), "00:00", timeZone) } },
      ],
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: 20,
    select: {
      id: true,
      startsAt: true,
      minutes: true,
      status: true,
      reason: true,
      nodeId: true,
      provider: { select: { name: true } },
      patient: { select: { firstName: true, lastName: true, nodeId: true, primaryProviderId: true, assignments: { select: { userId: true } } } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    time: localTime(r.startsAt, timeZone),
    minutes: r.minutes,
    patient: decide(subject, "patients.read_contact", resourceOfRow("patient", r.patient)) ? `${r.patient.firstName} ${r.patient.lastName}` : "Patient (name hidden)",
    provider: r.provider.name,
    place: lookupNode(subject, r.nodeId)?.name ?? "",
    status: r.status,
    reason: r.reason,
  }));
}

/** Accepted roles at the place or below that end within the next two weeks. */
async function expiringAccess(db: Db | Tx, nodeId: string, timeZone: string, now: Date) {
  const rows = await db.roleBinding.findMany({
    where: { pending: false, node: { ...inSubtree(nodeId), archivedAt: null }, expiresAt: { gt: now, lte: new Date(now.getTime() + EXPIRY_DAYS * 86_400_000) }, user: { deletedAt: null } },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
    take: 10,
    select: { id: true, expiresAt: true, user: { select: { id: true, name: true, email: true } }, role: { select: { name: true } }, node: { select: { name: true } } },
  });
  return rows.map((r) => ({ id: r.id, userId: r.user.id, name: r.user.name, email: r.user.email, role: r.role.name, place: r.node.name, date: localDate(r.expiresAt!, timeZone) }));
}

/** Recent security events of the tenant (audit_log.read at the tenant root: the log is the tenant's). */
async function securityAlerts(db: Db | Tx, tenantId: string, timeZone: string, now: Date) {
  const rows = await db.auditEvent.findMany({
    where: { tenantId, action: { in: [...ALERT_ACTIONS] }, createdAt: { gte: new Date(now.getTime() - ALERT_DAYS * 86_400_000) } },
    orderBy: { id: "desc" },
    take: 5,
    select: { id: true, action: true, targetType: true, targetId: true, createdAt: true },
  });
  const userIds = [...new Set(rows.filter((r) => r.targetType === "user" && r.targetId).map((r) => r.targetId!))];
  const names = new Map((await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  return rows.map((r) => ({
    id: String(r.id),
    action: r.action,
    target: r.targetType === "user" && r.targetId ? (names.get(r.targetId) ?? null) : null,
    at: r.createdAt.toISOString(),
    date: `${localDate(r.createdAt, timeZone)} ${localTime(r.createdAt, timeZone)}`,
  }));
}
