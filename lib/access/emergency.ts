import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import {
  EMERGENCY_BINDING_PREFIX,
  allowingGrants,
  bindingsReaching,
  decide,
  isEmergencyBinding,
  isLive,
  lookupNode,
  type Permission,
  type ResourceRef,
  type Subject,
} from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";
import { accessPolicy, type AccessPolicy } from "./settings";

/**
 * Break-glass emergency access (issue 11). A person who can't see a patient or a place declares an
 * emergency with a reason; if the tenant allows it for one of their roles, an emergency_accesses
 * row is written and the policy module compiles it into a binding live from now for the tenant's
 * window (lib/authz/emergency.ts): reading clinical records there (for a patient: that patient
 * only), ended by the same isLive() as every expiring role. Declaring writes
 * `emergency_access.used`, which the alert rule turns into an in-app alert and an email to the
 * owners and admins. Afterwards (or to cut it short) a second person with
 * `emergency_access.approve` there reviews it: justified or not, with a note; never the person
 * themself (separation of duties in the catalogue). Every step is audited.
 */

const MAX_REASON = 500;
export const declareSchema = z
  .object({
    nodeId: z.uuid({ error: "Choose a place." }).optional(),
    patientId: z.uuid({ error: "Give the patient's record ID (as on the chart or referral)." }).optional(),
    reason: z
      .string({ error: "Say what the emergency is." })
      .trim()
      .min(10, "Say what the emergency is (at least 10 characters).")
      .max(MAX_REASON, `Keep the reason under ${MAX_REASON} characters.`),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.nodeId && !v.patientId) ctx.addIssue({ code: "custom", path: ["nodeId"], message: "Choose a place or give a patient's record ID." });
    if (v.nodeId && v.patientId) ctx.addIssue({ code: "custom", path: ["patientId"], message: "Give either a place or a patient, not both." });
  });
export type DeclareInput = z.output<typeof declareSchema>;

export const reviewSchema = z
  .object({
    emergencyId: z.uuid({ error: "That emergency access was not found." }),
    outcome: z.enum(["justified", "not_justified"], { error: "Choose justified or not justified." }),
    note: z.string({ error: "Write what you checked." }).trim().min(5, "Write what you checked (at least 5 characters).").max(2000, "Keep the note under 2,000 characters."),
  })
  .strict();
export type ReviewInput = z.output<typeof reviewSchema>;

export const endSchema = z.object({ emergencyId: z.uuid({ error: "That emergency access was not found." }) }).strict();

export interface Actor {
  subject: Subject;
  userId: string;
  ip?: string | null;
}

const liveIn = (subject: Subject, rootId: string, now: number) => subject.bindings.some((b) => b.rootId === rootId && !isEmergencyBinding(b) && isLive(b, now));

/** May the subject declare an emergency in this tenant: it is on, and one of their own live roles there is allowed? */
export function mayDeclare(subject: Subject, rootId: string, policy: Pick<AccessPolicy, "breakGlassEnabled" | "breakGlassRoleIds">, now = Date.now()): boolean {
  const allowed = new Set(policy.breakGlassRoleIds);
  return policy.breakGlassEnabled && subject.bindings.some((b) => b.rootId === rootId && !isEmergencyBinding(b) && isLive(b, now) && allowed.has(b.roleId));
}

export async function declareEmergency(tx: Tx, actor: Actor, input: DeclareInput, now = new Date()) {
  const t = now.getTime();
  let nodeId: string;
  let patient: { id: string; firstName: string; lastName: string } | null = null;
  if (input.patientId) {
    const row = await tx.patient.findUnique({ where: { id: input.patientId }, select: { id: true, nodeId: true, tenantId: true, firstName: true, lastName: true, primaryProviderId: true, assignments: { select: { userId: true } } } });
    // A patient of another tenant, or none at all: the same 404.
    if (!row || !liveIn(actor.subject, row.tenantId, t)) throw notFound("That patient");
    const ref: ResourceRef = { nodeId: row.nodeId, ownerId: row.primaryProviderId, assigneeIds: row.assignments.map((a) => a.userId), patientId: row.id };
    if (decide(actor.subject, "patients.read", ref, { now: t })) throw new AppError("conflict", "You can already see this patient's record: no emergency access is needed.");
    nodeId = row.nodeId;
    patient = row;
  } else {
    nodeId = input.nodeId!;
  }
  const node = lookupNode(actor.subject, nodeId);
  if (!node || node.archived || !liveIn(actor.subject, node.rootId, t)) throw notFound("That place");
  if (node.kind === "CARE_PROFILE") throw new AppError("invalid", "Some fields need attention.", { nodeId: ["Emergency access is for clinic places."] });
  if (!patient && bindingsReaching(actor.subject, node.id, t).length > 0) throw new AppError("conflict", `You already have a role at ${node.name}: no emergency access is needed.`);

  const policy = await accessPolicy(tx, node.rootId);
  if (!policy.breakGlassEnabled) throw new AppError("forbidden", "Emergency access is turned off in this organisation.");
  if (!mayDeclare(actor.subject, node.rootId, policy, t)) throw new AppError("forbidden", "Your role here can't use emergency access. Ask an Owner or Admin.");
  const open = await tx.emergencyAccess.findFirst({ where: { userId: actor.userId, nodeId: node.id, patientId: patient?.id ?? null, startsAt: { lte: now }, endsAt: { gt: now } }, select: { id: true } });
  if (open) throw new AppError("conflict", "You already have emergency access here.");

  const endsAt = new Date(t + policy.breakGlassMinutes * 60_000);
  const row = await tx.emergencyAccess.create({ data: { tenantId: node.rootId, userId: actor.userId, nodeId: node.id, patientId: patient?.id ?? null, reason: input.reason, startsAt: now, endsAt, createdAt: now } });
  await bumpAuthzVersion(tx, node.rootId);
  const what = patient ? `patient ${patient.firstName} ${patient.lastName} at ${node.name}` : node.name;
  await recordAudit(tx, {
    tenantId: node.rootId,
    actorId: actor.userId,
    action: "emergency_access.used",
    targetType: patient ? "patient" : "org_node",
    targetId: patient?.id ?? node.id,
    nodeId: node.id,
    details: { emergencyAccessId: row.id, what, reason: input.reason, startsAt: now.toISOString(), endsAt: endsAt.toISOString(), minutes: policy.breakGlassMinutes },
    ip: actor.ip,
  });
  return { id: row.id, nodeId: node.id, patientId: patient?.id ?? null, endsAt: endsAt.toISOString(), minutes: policy.breakGlassMinutes };
}

async function loadVisible(tx: Tx, subject: Subject, id: string, now: number) {
  const row = await tx.emergencyAccess.findUnique({ where: { id } });
  if (!row) throw notFound("That emergency access");
  const node = lookupNode(subject, row.nodeId);
  if (!node || !liveIn(subject, row.tenantId, now)) throw notFound("That emergency access");
  return row;
}

/** The holder ends their own emergency access before its window is over (audited). */
export async function endEmergency(tx: Tx, actor: Actor, input: { emergencyId: string }, now = new Date()) {
  const row = await loadVisible(tx, actor.subject, input.emergencyId, now.getTime());
  if (row.userId !== actor.userId) throw notFound("That emergency access");
  if (row.endsAt <= now) throw new AppError("conflict", "This emergency access has already ended.");
  await tx.emergencyAccess.update({ where: { id: row.id }, data: { endsAt: now } });
  await bumpAuthzVersion(tx, row.tenantId);
  await recordAudit(tx, { tenantId: row.tenantId, actorId: actor.userId, action: "emergency_access.ended", targetType: "emergency_access", targetId: row.id, nodeId: row.nodeId, details: { by: "holder", plannedEnd: row.endsAt.toISOString() }, ip: actor.ip });
  return { id: row.id, endsAt: now.toISOString() };
}

/**
 * The second person's review: justified / not justified with a note. The policy decides who may
 * (`emergency_access.approve` at the place, which separation of duties refuses to the holder);
 * reviewing one still running ends it at once.
 */
export async function reviewEmergency(tx: Tx, actor: Actor, input: ReviewInput, now = new Date()) {
  const row = await loadVisible(tx, actor.subject, input.emergencyId, now.getTime());
  if (row.userId === actor.userId) throw new AppError("forbidden", "You can't review your own emergency access: another Owner or Admin must.");
  if (!decide(actor.subject, "emergency_access.approve", { nodeId: row.nodeId, requestedById: row.userId }, { now: now.getTime() })) {
    throw new AppError("forbidden", "Only an Owner or Admin can review emergency access.");
  }
  const stillLive = row.endsAt > now;
  const done = await tx.emergencyAccess.updateMany({
    where: { id: row.id, reviewStatus: "PENDING" },
    data: { reviewStatus: input.outcome === "justified" ? "JUSTIFIED" : "NOT_JUSTIFIED", reviewedById: actor.userId, reviewNote: input.note, reviewedAt: now, ...(stillLive ? { endsAt: now } : {}) },
  });
  if (done.count === 0) throw new AppError("conflict", "Someone has already reviewed this emergency access.");
  if (stillLive) await bumpAuthzVersion(tx, row.tenantId);
  await recordAudit(tx, {
    tenantId: row.tenantId,
    actorId: actor.userId,
    action: "emergency_access.reviewed",
    targetType: "emergency_access",
    targetId: row.id,
    nodeId: row.nodeId,
    details: { outcome: input.outcome, note: input.note, holderId: row.userId, endedByReview: stillLive },
    ip: actor.ip,
  });
  return { id: row.id, outcome: input.outcome, endedByReview: stillLive };
}

export interface EmergencyView {
  id: string;
  holder: { id: string; name: string; email: string };
  nodeId: string;
  nodeName: string;
  patient: { id: string; name: string } | null;
  reason: string;
  startsAt: string;
  endsAt: string;
  live: boolean;
  reviewStatus: string;
  reviewNote: string | null;
  reviewedBy: string | null;
  /** May the viewer review it (policy: emergency_access.approve there, not their own)? */
  canReview: boolean;
}

async function views(db: Db | Tx, subject: Subject, rows: Awaited<ReturnType<Tx["emergencyAccess"]["findMany"]>>, now: number): Promise<EmergencyView[]> {
  const userIds = [...new Set(rows.flatMap((r) => [r.userId, ...(r.reviewedById ? [r.reviewedById] : [])]))];
  const patientIds = [...new Set(rows.flatMap((r) => (r.patientId ? [r.patientId] : [])))];
  const [users, patients] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } }),
    db.patient.findMany({ where: { id: { in: patientIds } }, select: { id: true, firstName: true, lastName: true } }),
  ]);
  const u = new Map(users.map((x) => [x.id, x]));
  const p = new Map(patients.map((x) => [x.id, `${x.firstName} ${x.lastName}`]));
  return rows.map((r) => ({
    id: r.id,
    holder: u.get(r.userId) ?? { id: r.userId, name: "Someone", email: "" },
    nodeId: r.nodeId,
    nodeName: lookupNode(subject, r.nodeId)?.name ?? "a place",
    patient: r.patientId ? { id: r.patientId, name: p.get(r.patientId) ?? "a patient" } : null,
    reason: r.reason,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    live: r.startsAt.getTime() <= now && now < r.endsAt.getTime(),
    reviewStatus: r.reviewStatus,
    reviewNote: r.reviewNote,
    reviewedBy: r.reviewedById ? (u.get(r.reviewedById)?.name ?? "Someone") : null,
    canReview: r.reviewStatus === "PENDING" && r.userId !== subject.userId && decide(subject, "emergency_access.approve", { nodeId: r.nodeId, requestedById: r.userId }, { now }),
  }));
}

/** The person's own emergency access that is in force now (the banner on every page). */
export async function activeEmergencies(db: Db | Tx, subject: Subject, now = new Date()): Promise<EmergencyView[]> {
  const ids = subject.bindings.filter((b) => isEmergencyBinding(b) && isLive(b, now.getTime())).map((b) => b.id.slice(EMERGENCY_BINDING_PREFIX.length));
  if (ids.length === 0) return [];
  const rows = await db.emergencyAccess.findMany({ where: { id: { in: ids }, userId: subject.userId, endsAt: { gt: now } }, orderBy: { endsAt: "asc" } });
  return views(db, subject, rows, now.getTime());
}

/**
 * Settings > Emergency access: the caller's own (live and past), and in the tenant those waiting for
 * a review the caller may give, and the reviewed ones they may see (the same approve right).
 */
export async function listEmergencies(db: Db | Tx, subject: Subject, tenantId: string, now = new Date()) {
  const rows = await db.emergencyAccess.findMany({ where: { tenantId }, orderBy: { createdAt: "desc" }, take: 200 });
  const all = await views(db, subject, rows, now.getTime());
  const reviewer = (v: EmergencyView) => v.holder.id !== subject.userId && decide(subject, "emergency_access.approve", { nodeId: v.nodeId }, { now: now.getTime() });
  return {
    mine: all.filter((v) => v.holder.id === subject.userId),
    pending: all.filter((v) => v.canReview),
    reviewed: all.filter((v) => v.reviewStatus !== "PENDING" && reviewer(v)),
  };
}

/**
 * For the audit row of a read: when only emergency access allows it, which one and why, so the
 * patient's access history says "via emergency access: <reason>".
 */
export async function emergencyVia(db: Db | Tx, subject: Subject, permission: Permission, ref: ResourceRef, now = Date.now()): Promise<{ via: "emergency_access"; emergencyAccessId: string; reason: string } | null> {
  const allowing = allowingGrants(subject, permission, ref, { now });
  if (allowing.length === 0 || !allowing.every((a) => isEmergencyBinding(a.binding))) return null;
  const id = allowing[0].binding.id.slice(EMERGENCY_BINDING_PREFIX.length);
  const row = await db.emergencyAccess.findUnique({ where: { id }, select: { reason: true } });
  return { via: "emergency_access", emergencyAccessId: id, reason: row?.reason ?? "" };
}
