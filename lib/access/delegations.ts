import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import {
  CATALOGUE,
  PERMISSIONS,
  canDelegate,
  decide,
  holdsAt,
  isLive,
  isPermission,
  lookupNode,
  resourceOf,
  withoutDelegations,
  type Permission,
  type Subject,
} from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { Db, Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { accessRequestEmail } from "../email/templates";
import { securityEnv } from "../security/env";
import type { Actor } from "./requests";

/**
 * Delegation (issue 11): "Acting Manager while I'm away". A person lends a subset of their own
 * permissions at a place to a colleague of the same organisation for a period, with a reason.
 * - only permissions the delegator holds there through their own roles (rules.ts canDelegate);
 * - what the delegate may do is decided at each request as subset ∩ what the delegator holds then
 *   (decide.ts; the loader recompiles the delegate when the delegator's bindings change), so the
 *   delegate never exceeds the delegator and loses a permission the moment the delegator does;
 * - it ends by itself at `endsAt`, or early (the delegator, the delegate handing it back, or
 *   someone who may manage roles at the place); actions through it are audited "on behalf of" the
 *   delegator (lib/api/handler.ts). Created and ended: audited, and the other person is emailed.
 */

export const MAX_DELEGATION_DAYS = 90;
const DAY = 86_400_000;

const iso = z.iso.datetime({ offset: true, error: "Use a full date and time." });
export const delegationSchema = z
  .object({
    nodeId: z.uuid({ error: "Choose a place." }),
    delegateId: z.uuid({ error: "Choose a colleague." }),
    permissions: z
      .array(z.string().refine(isPermission, "Not a permission CareAccess knows."), { error: "Choose what to delegate." })
      .min(1, "Choose at least one permission to delegate.")
      .max(PERMISSIONS.length),
    startsAt: iso,
    endsAt: iso,
    reason: z.string().trim().min(5, "Say why (at least 5 characters).").max(500, "Keep the reason under 500 characters."),
  })
  .superRefine((d, ctx) => {
    const s = Date.parse(d.startsAt);
    const e = Date.parse(d.endsAt);
    if (e <= s) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The end must be after the start." });
    else if (e - s > MAX_DELEGATION_DAYS * DAY) ctx.addIssue({ code: "custom", path: ["endsAt"], message: `Delegate for at most ${MAX_DELEGATION_DAYS} days.` });
  });
export type DelegationInput = z.input<typeof delegationSchema>;

export const endDelegationSchema = z.object({ delegationId: z.uuid({ error: "That delegation was not found." }) });
export const listDelegationsSchema = z.object({ nodeId: z.uuid({ error: "Choose a place." }) });

/** The place, if the subject holds a live role of their own reaching it (else 404). */
function ownPlace(subject: Subject, nodeId: string, now: number) {
  const own = withoutDelegations(subject);
  const node = lookupNode(own, nodeId);
  if (!node || node.archived) throw notFound("That place");
  if (!own.bindings.some((b) => b.rootId === node.rootId && isLive(b, now))) throw notFound("That place");
  return node;
}

/** Is this person a colleague: an active account with an accepted role in the tenant, not suspended there? */
async function colleague(tx: Tx | Db, tenantId: string, userId: string) {
  return tx.user.findFirst({
    where: {
      id: userId,
      status: "ACTIVE",
      deletedAt: null,
      bindings: { some: { pending: false, node: { rootId: tenantId } } },
      NOT: { suspensions: { some: { tenantId } } },
    },
    select: { id: true, name: true, email: true },
  });
}

/** What the subject may delegate at the place: the permissions they hold there through their own roles. */
export function delegatablePermissions(subject: Subject, nodeId: string, now = Date.now()): Permission[] {
  const own = withoutDelegations(subject);
  return PERMISSIONS.filter((p) => holdsAt(own, p, nodeId, now));
}

/** The permissions grouped the way the catalogue groups them, for the picker. */
export function groupPermissions(permissions: readonly Permission[]) {
  const out = new Map<string, { resource: string; label: string; permissions: Permission[] }>();
  for (const p of permissions) {
    const r = resourceOf(p);
    const entry = out.get(r) ?? { resource: r, label: CATALOGUE[r].label, permissions: [] };
    entry.permissions.push(p);
    out.set(r, entry);
  }
  return [...out.values()];
}

const url = (nodeId: string) => `${securityEnv().appUrl}/o/${nodeId}/settings/delegations`;
const fmt = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

export async function createDelegation(tx: Tx, actor: Actor, input: z.output<typeof delegationSchema>, now = new Date()) {
  const node = ownPlace(actor.subject, input.nodeId, now.getTime());
  const delegate = await colleague(tx, node.rootId, input.delegateId);
  if (!delegate) throw notFound("That colleague");
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt <= now) throw new AppError("invalid", "The end has already passed.", { endsAt: ["Choose an end in the future."] });
  if (startsAt.getTime() < now.getTime() - DAY) throw new AppError("invalid", "The start is in the past.", { startsAt: ["Start today or later."] });
  const permissions = [...new Set(input.permissions)] as Permission[];
  const verdict = canDelegate(actor.subject, node.id, delegate.id, permissions, now.getTime());
  if (!verdict.ok) {
    const field: Record<string, string[]> = verdict.code === "conflict" ? { delegateId: [verdict.reason] } : { permissions: [verdict.reason] };
    throw new AppError(verdict.code === "conflict" ? "invalid" : "forbidden", verdict.reason, field);
  }
  const overlapping = await tx.delegation.count({
    where: { delegatorId: actor.userId, delegateId: delegate.id, nodeId: node.id, endedAt: null, endsAt: { gt: startsAt }, startsAt: { lt: endsAt } },
  });
  if (overlapping > 0) throw new AppError("conflict", `You already delegate to ${delegate.name} at ${node.name} in that period: end it first.`);

  const row = await tx.delegation.create({
    data: { tenantId: node.rootId, nodeId: node.id, delegatorId: actor.userId, delegateId: delegate.id, permissions, startsAt, endsAt, reason: input.reason, createdAt: now },
  });
  await bumpAuthzVersion(tx, node.rootId);
  await recordAudit(tx, {
    tenantId: node.rootId,
    actorId: actor.userId,
    action: "delegation.created",
    targetType: "delegation",
    targetId: row.id,
    nodeId: node.id,
    details: { delegateId: delegate.id, permissions, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), reason: input.reason },
    ip: actor.ip,
  });
  const delegator = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
  await enqueueEmail(
    tx,
    delegate.email,
    "access_request",
    accessRequestEmail({
      name: delegate.name,
      title: `${delegator.name} delegated access to you at ${node.name}`,
      lines: [
        `${delegator.name} delegated ${permissions.length} permission${permissions.length === 1 ? "" : "s"} at ${node.name} to you from ${fmt(startsAt)} until ${fmt(endsAt)}.`,
        `Reason: ${input.reason}`,
        `You can do these things only while ${delegator.name} can; what you do is recorded as on their behalf.`,
      ],
      url: url(node.id),
    }),
  );
  return { id: row.id, permissions, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
}

/** Ended early by the delegator, the delegate (handing it back), or someone who may manage roles at the place. */
export async function endDelegation(tx: Tx, actor: Actor, input: z.output<typeof endDelegationSchema>, now = new Date()) {
  const row = await tx.delegation.findUnique({ where: { id: input.delegationId } });
  if (!row) throw notFound("That delegation");
  const party = row.delegatorId === actor.userId || row.delegateId === actor.userId;
  const own = withoutDelegations(actor.subject);
  const manager = decide(own, "members.manage_roles", { nodeId: row.nodeId }, { now: now.getTime() });
  if (!party && !manager) {
    // Outside the tenant (or unable to see people's access there): as if it didn't exist.
    const inTenant = own.bindings.some((b) => b.rootId === row.tenantId && isLive(b, now.getTime()));
    if (!inTenant || !decide(own, "members.read", { nodeId: row.nodeId }, { now: now.getTime() })) throw notFound("That delegation");
    throw new AppError("forbidden", "Only the two people involved, or someone who can change roles here, can end a delegation.");
  }
  if (row.endedAt || row.endsAt <= now) throw new AppError("conflict", "This delegation has already ended.");
  await tx.delegation.update({ where: { id: row.id }, data: { endedAt: now, endedById: actor.userId } });
  await bumpAuthzVersion(tx, row.tenantId);
  await recordAudit(tx, {
    tenantId: row.tenantId,
    actorId: actor.userId,
    action: "delegation.ended",
    targetType: "delegation",
    targetId: row.id,
    nodeId: row.nodeId,
    details: { delegatorId: row.delegatorId, delegateId: row.delegateId, early: true },
    ip: actor.ip,
  });
  const other = await tx.user.findUniqueOrThrow({ where: { id: row.delegatorId === actor.userId ? row.delegateId : row.delegatorId }, select: { name: true, email: true } });
  const by = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { name: true } });
  const place = await tx.orgNode.findUniqueOrThrow({ where: { id: row.nodeId }, select: { name: true } });
  await enqueueEmail(tx, other.email, "access_request", accessRequestEmail({ name: other.name, title: `Delegation at ${place.name} ended`, lines: [`${by.name} ended the delegation at ${place.name}.`], url: url(row.nodeId) }));
  return { id: row.id, endedAt: now.toISOString() };
}

export type DelegationStatus = "scheduled" | "active" | "ended" | "expired";

export function delegationStatus(row: { startsAt: Date; endsAt: Date; endedAt: Date | null }, now: Date): DelegationStatus {
  if (row.endedAt) return "ended";
  if (row.endsAt <= now) return "expired";
  return row.startsAt > now ? "scheduled" : "active";
}

/**
 * The delegations the person gave and received in the place's tenant, newest first; for someone who
 * may manage roles at the place, also the others at or below it.
 */
export async function listDelegations(db: Db | Tx, actor: Actor, nodeId: string, now = new Date()) {
  const node = lookupNode(actor.subject, nodeId);
  if (!node || node.archived || !actor.subject.bindings.some((b) => b.rootId === node.rootId && isLive(b, now.getTime()))) throw notFound("That place");
  const manager = decide(withoutDelegations(actor.subject), "members.manage_roles", { nodeId }, { now: now.getTime() });
  const rows = await db.delegation.findMany({
    where: {
      tenantId: node.rootId,
      OR: [{ delegatorId: actor.userId }, { delegateId: actor.userId }, ...(manager ? [{ node: { ancestorLinks: { some: { ancestorId: nodeId } } } }] : [])],
    },
    include: { delegator: { select: { id: true, name: true } }, delegate: { select: { id: true, name: true } }, node: { select: { id: true, name: true } } },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  const view = (r: (typeof rows)[number]) => ({
    id: r.id,
    place: r.node,
    delegator: r.delegator,
    delegate: r.delegate,
    permissions: r.permissions,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    reason: r.reason,
    status: delegationStatus(r, now),
  });
  return {
    given: rows.filter((r) => r.delegatorId === actor.userId).map(view),
    received: rows.filter((r) => r.delegateId === actor.userId).map(view),
    others: rows.filter((r) => r.delegatorId !== actor.userId && r.delegateId !== actor.userId).map(view),
  };
}

/** The colleagues one may delegate to at the place's tenant (everyone else with an accepted role there). */
export async function delegateCandidates(db: Db | Tx, actor: Actor, nodeId: string) {
  const node = ownPlace(actor.subject, nodeId, Date.now());
  return db.user.findMany({
    where: {
      id: { not: actor.userId },
      status: "ACTIVE",
      deletedAt: null,
      serviceAccount: null,
      bindings: { some: { pending: false, node: { rootId: node.rootId } } },
      NOT: { suspensions: { some: { tenantId: node.rootId } } },
    },
    select: { id: true, name: true, email: true },
    orderBy: { name: "asc" },
  });
}
