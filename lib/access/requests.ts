import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { OWNER_ROLE_IDS, TEMPLATES_BY_ID, bindingsReaching, canGrant, isLive, lookupNode, resolveRoleGrants, type Subject } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { RoleRow } from "../authz/subject";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { accessRequestEmail } from "../email/templates";
import { assignableRoles } from "../members/admin";
import { securityEnv } from "../security/env";

/**
 * Access requests with approval (issue 11). A person asks for a role at a place for a period,
 * with a reason. The approvers come from the policy here:
 * - levels: Owner 4, Admin 3, Manager 2, every other role 1 (a custom role has its parent's level);
 * - step 1: the place's Manager or above (anyone whose live role reaching the place is level ≥ 2);
 * - a role above the first approver's own level needs a second step by an Owner/Admin of at least
 *   the role's level (multi-step); the final approver must also hold every grant of the role there;
 * - nobody answers their own request; the Owner role is never requested.
 * The grant is an ordinary binding with a start and an end: it ends by itself (decide() refuses it
 * from its end on). Unanswered requests expire at `answerBy`. Every step is audited
 * (access_request.created|approved|denied|expired) and emailed.
 */

export const REQUEST_ANSWER_HOURS = 72;
export const MAX_REQUEST_DAYS = 90;
const DAY = 86_400_000;

const LEVELS: Record<string, number> = { owner: 4, care_owner: 4, admin: 3, care_admin: 3, manager: 2 };
export const FIRST_STEP_LEVEL = 2;

export function roleLevel(roleId: string, roles: ReadonlyMap<string, Pick<RoleRow, "parentId">>, depth = 0): number {
  const template = TEMPLATES_BY_ID.get(roleId);
  if (template) return LEVELS[template.key] ?? 1;
  const parent = roles.get(roleId)?.parentId;
  return parent && depth < 8 ? roleLevel(parent, roles, depth + 1) : 1;
}

/** The highest level of the subject's live roles that reach the node (0: none). */
export function levelAt(subject: Subject, nodeId: string, roles: ReadonlyMap<string, Pick<RoleRow, "parentId">>, now: number): number {
  return Math.max(0, ...bindingsReaching(subject, nodeId, now).map((b) => roleLevel(b.roleId, roles)));
}

/** The level the final approval needs. */
export const neededLevel = (roleLevelValue: number) => Math.max(FIRST_STEP_LEVEL, roleLevelValue);

export interface Actor {
  subject: Subject;
  userId: string;
  ip?: string | null;
}

const iso = z.iso.datetime({ offset: true, error: "Use a full date and time." });
export const accessRequestSchema = z
  .object({
    nodeId: z.uuid({ error: "Choose a place." }),
    roleId: z.string().min(1, "Choose a role."),
    startsAt: iso,
    endsAt: iso,
    reason: z.string().trim().min(10, "Say why you need it (at least 10 characters).").max(500, "Keep the reason under 500 characters."),
  })
  .superRefine((r, ctx) => {
    const s = Date.parse(r.startsAt);
    const e = Date.parse(r.endsAt);
    if (e <= s) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The end must be after the start." });
    else if (e - s > MAX_REQUEST_DAYS * DAY) ctx.addIssue({ code: "custom", path: ["endsAt"], message: `Ask for at most ${MAX_REQUEST_DAYS} days.` });
  });
export type AccessRequestInput = z.infer<typeof accessRequestSchema>;

export const accessDecisionSchema = z
  .object({
    requestId: z.uuid({ error: "That request was not found." }),
    decision: z.enum(["approve", "deny"], { error: "Approve or deny." }),
    note: z.string().trim().max(500, "Keep the note under 500 characters.").default(""),
  })
  .superRefine((d, ctx) => {
    if (d.decision === "deny" && d.note.length === 0) ctx.addIssue({ code: "custom", path: ["note"], message: "Say why you deny it." });
  });
export type AccessDecisionInput = z.input<typeof accessDecisionSchema>;

type Approval = { userId: string; step: number; note: string; at: string };

async function tenantRoles(tx: Tx | Db, rootId: string) {
  const rows = await (tx as Tx).role.findMany({ where: { OR: [{ tenantId: null }, { tenantId: rootId }] }, select: { id: true, key: true, name: true, tenantId: true, parentId: true, grants: true, removals: true, family: true } });
  return new Map(rows.map((r) => [r.id, r]));
}

/** The node as the subject sees it, only in a tenant where they hold a live role now: else 404. */
function placeFor(subject: Subject, nodeId: string, now: number) {
  const node = lookupNode(subject, nodeId);
  if (!node || node.archived) throw notFound("That place");
  if (!subject.bindings.some((b) => b.rootId === node.rootId && isLive(b, now))) throw notFound("That place");
  return node;
}

function requestsUrl(nodeId: string) {
  return `${securityEnv().appUrl}/o/${nodeId}/settings/access-requests`;
}

/** People who may answer a request at this step (live role reaching the node of at least `level`), minus the requester. */
async function approversFor(tx: Tx, nodeId: string, level: number, roles: ReadonlyMap<string, Pick<RoleRow, "parentId">>, exclude: string[], now: Date) {
  const bindings = await tx.roleBinding.findMany({
    where: {
      pending: false,
      node: { descendantLinks: { some: { descendantId: nodeId } }, archivedAt: null },
      AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, { OR: [{ startsAt: null }, { startsAt: { lte: now } }] }],
      user: { status: "ACTIVE", deletedAt: null },
    },
    select: { roleId: true, user: { select: { id: true, email: true, name: true } } },
  });
  const out = new Map<string, { id: string; email: string; name: string }>();
  for (const b of bindings) if (roleLevel(b.roleId, roles) >= level && !exclude.includes(b.user.id)) out.set(b.user.id, b.user);
  return [...out.values()];
}

async function mail(tx: Tx, people: { email: string; name: string }[], title: string, lines: string[], url: string) {
  for (const p of people) await enqueueEmail(tx, p.email, "access_request", accessRequestEmail({ name: p.name, title, lines, url }));
}

function period(r: { startsAt: Date; endsAt: Date }) {
  const f = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  return `from ${f(r.startsAt)} until ${f(r.endsAt)}`;
}

export async function createAccessRequest(tx: Tx, actor: Actor, input: AccessRequestInput, now = new Date()) {
  const node = placeFor(actor.subject, input.nodeId, now.getTime());
  const roles = await tenantRoles(tx, node.rootId);
  const assignable = new Set((await assignableRoles(tx, node.rootId)).map((r) => r.id));
  const role = roles.get(input.roleId);
  if (!role || !assignable.has(input.roleId)) throw new AppError("invalid", "That role can't be requested here.", { roleId: ["Choose one of the roles listed."] });
  if (OWNER_ROLE_IDS.has(input.roleId)) throw new AppError("invalid", "The Owner role can't be requested.", { roleId: ["Choose a role other than Owner."] });
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt <= now) throw new AppError("invalid", "The end has already passed.", { endsAt: ["Choose an end in the future."] });
  if (startsAt.getTime() < now.getTime() - DAY) throw new AppError("invalid", "The start is in the past.", { startsAt: ["Start today or later."] });
  const existing = await tx.roleBinding.findUnique({ where: { userId_nodeId: { userId: actor.userId, nodeId: node.id } }, select: { id: true } });
  if (existing) throw new AppError("conflict", `You already have a role at ${node.name}: ask an admin to change it instead.`);
  const open = await tx.accessRequest.count({ where: { requesterId: actor.userId, nodeId: node.id, status: "PENDING", answerBy: { gt: now } } });
  if (open > 0) throw new AppError("conflict", `You already have an open request for ${node.name}.`);

  const request = await tx.accessRequest.create({
    data: {
      tenantId: node.rootId,
      nodeId: node.id,
      requesterId: actor.userId,
      roleId: input.roleId,
      startsAt,
      endsAt,
      reason: input.reason,
      answerBy: new Date(now.getTime() + REQUEST_ANSWER_HOURS * 3_600_000),
      createdAt: now,
    },
  });
  await recordAudit(tx, {
    tenantId: node.rootId,
    actorId: actor.userId,
    action: "access_request.created",
    targetType: "access_request",
    targetId: request.id,
    details: { nodeId: node.id, roleId: input.roleId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), reason: input.reason },
    ip: actor.ip,
  });
  const requester = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
  const approvers = await approversFor(tx, node.id, FIRST_STEP_LEVEL, roles, [actor.userId], now);
  await mail(
    tx,
    approvers,
    `Access request: ${requester.name} asks to be ${role.name} at ${node.name}`,
    [`${requester.name} asks for the ${role.name} role at ${node.name} ${period(request)}.`, `Reason: ${input.reason}`, `Please approve or deny it within ${REQUEST_ANSWER_HOURS} hours.`],
    requestsUrl(node.id),
  );
  return { id: request.id, status: request.status, approvers: approvers.length };
}

export async function decideAccessRequest(tx: Tx, actor: Actor, input: z.output<typeof accessDecisionSchema>, now = new Date()) {
  const request = await tx.accessRequest.findUnique({ where: { id: input.requestId } });
  if (!request) throw notFound("That request");
  const node = lookupNode(actor.subject, request.nodeId);
  if (!node || !actor.subject.bindings.some((b) => b.rootId === request.tenantId && isLive(b, now.getTime()))) throw notFound("That request");
  if (request.requesterId === actor.userId) throw new AppError("forbidden", "You can't approve or deny your own request.");
  if (request.status !== "PENDING") throw new AppError("conflict", `This request was already ${request.status.toLowerCase()}.`);
  if (request.answerBy <= now) {
    await expireOne(tx, request, now);
    return { id: request.id, status: "EXPIRED" as const, step: request.step };
  }
  const roles = await tenantRoles(tx, request.tenantId);
  const mine = levelAt(actor.subject, request.nodeId, roles, now.getTime());
  const needed = neededLevel(roleLevel(request.roleId, roles));
  if (mine < FIRST_STEP_LEVEL) throw new AppError("forbidden", "Only the place's Manager, an Admin or an Owner can answer access requests here.");
  if (request.step >= 2 && mine < needed) throw new AppError("forbidden", "This request needs an Owner or Admin at its second step: you can't approve above your own level.");
  const approvals = (Array.isArray(request.approvals) ? request.approvals : []) as Approval[];
  if (approvals.some((a) => a.userId === actor.userId)) throw new AppError("conflict", "You already approved this request; its next step is someone else's.");
  const role = roles.get(request.roleId);
  const requester = await tx.user.findUniqueOrThrow({ where: { id: request.requesterId }, select: { name: true, email: true } });
  const approver = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
  const what = `the ${role?.name ?? request.roleId} role at ${node.name} ${period(request)}`;
  const url = requestsUrl(request.nodeId);

  if (input.decision === "deny") {
    await tx.accessRequest.update({ where: { id: request.id }, data: { status: "DENIED", decidedById: actor.userId, decisionNote: input.note, decidedAt: now } });
    await recordAudit(tx, { tenantId: request.tenantId, actorId: actor.userId, action: "access_request.denied", targetType: "access_request", targetId: request.id, details: { step: request.step, note: input.note, requesterId: request.requesterId, nodeId: request.nodeId, roleId: request.roleId }, ip: actor.ip });
    await mail(tx, [requester], `Access request denied: ${role?.name ?? request.roleId} at ${node.name}`, [`${approver.name} denied your request for ${what}.`, `Note: ${input.note}`], url);
    return { id: request.id, status: "DENIED" as const, step: request.step };
  }

  const approval: Approval = { userId: actor.userId, step: request.step, note: input.note, at: now.toISOString() };
  if (mine < needed) {
    // Above this approver's own level: their approval is step 1, an Owner/Admin gives the final one.
    await tx.accessRequest.update({ where: { id: request.id }, data: { step: 2, approvals: [...approvals, approval] } });
    await recordAudit(tx, { tenantId: request.tenantId, actorId: actor.userId, action: "access_request.approved", targetType: "access_request", targetId: request.id, details: { step: request.step, final: false, note: input.note, requesterId: request.requesterId, nodeId: request.nodeId, roleId: request.roleId }, ip: actor.ip });
    const next = await approversFor(tx, request.nodeId, needed, roles, [request.requesterId, actor.userId], now);
    await mail(tx, next, `Access request needs your approval: ${requester.name} as ${role?.name ?? request.roleId} at ${node.name}`, [`${approver.name} approved the first step of ${requester.name}'s request for ${what}.`, `Reason: ${request.reason}`, "The role is above their own level, so an Owner or Admin must give the final approval."], url);
    await mail(tx, [requester], `Access request: first step approved`, [`${approver.name} approved the first step of your request for ${what}. It now waits for an Owner or Admin.`], url);
    return { id: request.id, status: "PENDING" as const, step: 2 };
  }

  // Final approval: never more than the approver holds there.
  const grants = resolveRoleGrants(request.roleId, roles);
  const verdict = canGrant(actor.subject, request.nodeId, grants, now.getTime());
  if (!verdict.ok) throw new AppError("forbidden", verdict.reason);
  const existing = await tx.roleBinding.findUnique({ where: { userId_nodeId: { userId: request.requesterId, nodeId: request.nodeId } }, select: { id: true } });
  if (existing) throw new AppError("conflict", `${requester.name} already has a role at ${node.name}: change it on the Users screen instead.`);
  const binding = await tx.roleBinding.create({
    data: { userId: request.requesterId, nodeId: request.nodeId, roleId: request.roleId, startsAt: request.startsAt, expiresAt: request.endsAt, grantedById: actor.userId, reason: `Access request: ${request.reason}` },
  });
  await tx.accessRequest.update({ where: { id: request.id }, data: { status: "APPROVED", approvals: [...approvals, approval], decidedById: actor.userId, decisionNote: input.note || null, decidedAt: now, bindingId: binding.id } });
  await bumpAuthzVersion(tx, request.tenantId);
  await recordAudit(tx, {
    tenantId: request.tenantId,
    actorId: actor.userId,
    action: "access_request.approved",
    targetType: "access_request",
    targetId: request.id,
    details: { step: request.step, final: true, note: input.note, requesterId: request.requesterId, nodeId: request.nodeId, roleId: request.roleId, bindingId: binding.id, startsAt: request.startsAt.toISOString(), endsAt: request.endsAt.toISOString() },
    ip: actor.ip,
  });
  await mail(tx, [requester], `Access request approved: ${role?.name ?? request.roleId} at ${node.name}`, [`${approver.name} approved your request for ${what}.`, "The role ends by itself at the end of the period."], url);
  return { id: request.id, status: "APPROVED" as const, step: request.step, bindingId: binding.id };
}

async function expireOne(tx: Tx, request: { id: string; tenantId: string; requesterId: string; nodeId: string; roleId: string }, now: Date) {
  const changed = await tx.accessRequest.updateMany({ where: { id: request.id, status: "PENDING" }, data: { status: "EXPIRED", decidedAt: now } });
  if (changed.count === 0) return;
  await recordAudit(tx, { tenantId: request.tenantId, actorId: null, action: "access_request.expired", targetType: "access_request", targetId: request.id, details: { requesterId: request.requesterId, nodeId: request.nodeId, roleId: request.roleId } });
  const requester = await tx.user.findUnique({ where: { id: request.requesterId }, select: { name: true, email: true } });
  if (requester) await mail(tx, [requester], "Access request expired", [`Nobody answered your access request in time, so it expired. You can ask again.`], requestsUrl(request.nodeId));
}

/** Unanswered requests past their answer-by time become EXPIRED (audited, requester emailed). */
export async function expireAccessRequests(tx: Tx, tenantId: string | null, now = new Date()): Promise<number> {
  const due = await tx.accessRequest.findMany({ where: { status: "PENDING", answerBy: { lte: now }, ...(tenantId ? { tenantId } : {}) }, select: { id: true, tenantId: true, requesterId: true, nodeId: true, roleId: true }, take: 500 });
  for (const r of due) await expireOne(tx, r, now);
  return due.length;
}

export interface AccessRequestView {
  id: string;
  nodeId: string;
  nodeName: string;
  roleId: string;
  roleName: string;
  requester: { id: string; name: string; email: string };
  startsAt: string;
  endsAt: string;
  reason: string;
  status: string;
  step: number;
  answerBy: string;
  decisionNote: string | null;
  /** Step 2 waits for an Owner/Admin. */
  needsSecondStep: boolean;
}

/** The caller's own requests in the place's tenant, and the pending ones they may answer under the place. */
export async function listAccessRequests(tx: Tx, subject: Subject, userId: string, placeId: string, now = new Date()) {
  const place = placeFor(subject, placeId, now.getTime());
  await expireAccessRequests(tx, place.rootId, now);
  const roles = await tenantRoles(tx, place.rootId);
  const rows = await tx.accessRequest.findMany({
    where: { tenantId: place.rootId, OR: [{ requesterId: userId }, { status: "PENDING", node: { ancestorLinks: { some: { ancestorId: place.id } } } }] },
    orderBy: { createdAt: "desc" },
    take: 200,
    include: { node: { select: { name: true } }, requester: { select: { id: true, name: true, email: true } } },
  });
  const view = (r: (typeof rows)[number]): AccessRequestView => ({
    id: r.id,
    nodeId: r.nodeId,
    nodeName: r.node.name,
    roleId: r.roleId,
    roleName: roles.get(r.roleId)?.name ?? r.roleId,
    requester: r.requester,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    reason: r.reason,
    status: r.status,
    step: r.step,
    answerBy: r.answerBy.toISOString(),
    decisionNote: r.decisionNote,
    needsSecondStep: neededLevel(roleLevel(r.roleId, roles)) > FIRST_STEP_LEVEL,
  });
  const canAnswer = (r: (typeof rows)[number]) => {
    if (r.status !== "PENDING" || r.requesterId === userId) return false;
    const mine = levelAt(subject, r.nodeId, roles, now.getTime());
    if (mine < FIRST_STEP_LEVEL) return false;
    const approvals = (Array.isArray(r.approvals) ? r.approvals : []) as Approval[];
    if (approvals.some((a) => a.userId === userId)) return false;
    return r.step < 2 || mine >= neededLevel(roleLevel(r.roleId, roles));
  };
  return { mine: rows.filter((r) => r.requesterId === userId).map(view), toAnswer: rows.filter(canAnswer).map(view) };
}
