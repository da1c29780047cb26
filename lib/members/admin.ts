import { touchMembership } from "../access/inactivity";
import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { OWNER_ROLE_IDS, canChangeBinding, resolveRoleGrants, type Subject } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { RoleRow } from "../authz/subject";
import type { Tx } from "../db/client";
import { inSubtree } from "../orgs/nodes";
import { lockTenant, permanentOwnerCount, type MemberTarget } from "./accounts";
import { findMember } from "./directory";
import { queueEmSyncPush } from "../practice/em-push";

/**
 * Changes to people at a place, each in the caller's transaction, each audited. The wrapper has
 * already checked the permission at the place and the member rules (lib/authz/rules.ts
 * canActOnMember: owners by owners, account-wide changes by the managing tenant); these functions
 * keep the tenant's invariants: the last permanent owner stays, nobody hands out more than they hold.
 */

export interface Actor {
  subject: Subject;
  userId: string;
  ip?: string | null;
}

async function tenantOf(tx: Tx, nodeId: string) {
  return tx.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { id: true, rootId: true, name: true, kind: true } });
}

/** Roles assignable in a tenant: built-in ones of its family, and its own custom roles. */
export async function assignableRoles(tx: Tx, rootId: string) {
  const root = await tx.orgNode.findUniqueOrThrow({ where: { id: rootId }, select: { kind: true } });
  const family = root.kind === "CARE_PROFILE" ? "care" : "clinic";
  return tx.role.findMany({
    // Consultant (a platform-family role) is assigned from Users like any clinic role (issue 11).
    where: { OR: [{ tenantId: null, family }, ...(family === "clinic" ? [{ tenantId: null, key: "consultant" }] : []), { tenantId: rootId }] },
    orderBy: [{ tenantId: { sort: "asc", nulls: "first" } }, { name: "asc" }],
    select: { id: true, key: true, name: true, description: true, tenantId: true, parentId: true, grants: true, removals: true, family: true },
  });
}

export const roleAssignmentSchema = z
  .object({
    nodeId: z.uuid({ error: "Choose a location." }),
    /** null removes the person's role at that node. */
    roleId: z.string().min(1, "Choose a role.").nullable(),
    expiresAt: z.iso.datetime({ offset: true, error: "Use a full date and time." }).nullable().optional(),
    /** Temporary access (issue 11): the role grants nothing before this instant. */
    startsAt: z.iso.datetime({ offset: true, error: "Use a full date and time." }).nullable().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.startsAt && a.expiresAt && Date.parse(a.expiresAt) <= Date.parse(a.startsAt)) {
      ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "The end must be after the start." });
    }
  });
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;

/**
 * Sets a person's role at one or more nodes under the place (Manager at Seattle, Front Desk at
 * Portland). Creates, changes or removes bindings; refuses what the rules refuse.
 */
export async function setMemberRoles(tx: Tx, actor: Actor, placeId: string, userId: string, assignments: RoleAssignment[], options: { requireExisting?: boolean } = {}) {
  const place = await tenantOf(tx, placeId);
  await lockTenant(tx, place.rootId);
  if (options.requireExisting !== false && !(await findMember(tx, placeId, userId))) throw notFound("That person");
  // Someone who hasn't accepted an invitation here only ever gets offers: new roles stay pending.
  const joined = (await tx.roleBinding.count({ where: { userId, pending: false, node: { rootId: place.rootId } } })) > 0;
  const roles = new Map((await assignableRoles(tx, place.rootId)).map((r) => [r.id, r]));
  const roleRows = new Map<string, RoleRow>([...roles.values()].map((r) => [r.id, r]));
  for (const a of assignments) {
    const inPlace = await tx.orgNodeClosure.findUnique({ where: { ancestorId_descendantId: { ancestorId: placeId, descendantId: a.nodeId } } });
    if (!inPlace) throw new AppError("invalid", "That location is not part of this place.", { nodeId: ["Choose a location inside this place."] });
    if (a.roleId !== null && !roles.has(a.roleId)) throw new AppError("invalid", "That role can't be used here.", { roleId: ["Choose one of the roles listed."] });
    const current = await tx.roleBinding.findUnique({ where: { userId_nodeId: { userId, nodeId: a.nodeId } } });
    if (!current && a.roleId === null) continue;
    const sameInstant = (stored: Date | null | undefined, given: string | null | undefined) => given === undefined || (stored?.getTime() ?? null) === (given === null ? null : Date.parse(given));
    if (current && current.roleId === a.roleId && sameInstant(current.expiresAt, a.expiresAt) && sameInstant(current.startsAt, a.startsAt)) continue;
    // An unspecified start or end date keeps the current one.
    const nextExpiresAt = a.expiresAt === undefined ? (current?.expiresAt ?? null) : a.expiresAt === null ? null : new Date(a.expiresAt);
    const nextStartsAt = a.startsAt === undefined ? (current?.startsAt ?? null) : a.startsAt === null ? null : new Date(a.startsAt);
    const changesDates = !sameInstant(current?.expiresAt, a.expiresAt) || !sameInstant(current?.startsAt, a.startsAt);
    if (changesDates && a.roleId !== null) {
      const now = Date.now();
      if (nextExpiresAt && nextExpiresAt.getTime() <= now) throw new AppError("invalid", "The end date has already passed.", { expiresAt: ["Choose an end in the future."] });
      if (nextStartsAt && nextExpiresAt && nextExpiresAt <= nextStartsAt) throw new AppError("invalid", "The end must be after the start.", { expiresAt: ["The end must be after the start."] });
    }
    const verdict = canChangeBinding(actor.subject, {
      nodeId: a.nodeId,
      currentRoleId: current && !current.pending ? current.roleId : null,
      currentExpiresAt: current?.expiresAt?.getTime() ?? null,
      nextRoleId: a.roleId,
      // A role that starts later isn't a permanent one today (the last owner can't be deferred).
      nextExpiresAt: nextExpiresAt?.getTime() ?? (nextStartsAt && nextStartsAt.getTime() > Date.now() ? Infinity : null),
      nextGrants: a.roleId ? resolveRoleGrants(a.roleId, roleRows) : undefined,
      ownerCount: await permanentOwnerCount(tx, place.rootId),
    });
    if (!verdict.ok) throw new AppError(verdict.code, verdict.reason);
    if (a.roleId === null) await tx.roleBinding.delete({ where: { id: current!.id } });
    else if (current) await tx.roleBinding.update({ where: { id: current.id }, data: { roleId: a.roleId, expiresAt: nextExpiresAt, startsAt: nextStartsAt, grantedById: actor.userId } });
    else await tx.roleBinding.create({ data: { userId, nodeId: a.nodeId, roleId: a.roleId, expiresAt: nextExpiresAt, startsAt: nextStartsAt, grantedById: actor.userId, pending: !joined } });
    // EM Sync (issue 14): a migrated person's change goes to the practice system, from this transaction's outbox row.
    await queueEmSyncPush(tx, a.nodeId, userId);
    await recordAudit(tx, {
      tenantId: place.rootId,
      actorId: actor.userId,
      action: a.roleId === null ? "member.role_removed" : current ? "member.role_changed" : "member.role_added",
      targetType: "user",
      targetId: userId,
      details: { nodeId: a.nodeId, from: current?.roleId ?? null, to: a.roleId, expiresAt: nextExpiresAt?.toISOString() ?? null, startsAt: nextStartsAt?.toISOString() ?? null },
      ip: actor.ip,
    });
  }
  await bumpAuthzVersion(tx, place.rootId);
}

/** The last permanent owner can't be suspended, disabled or removed: the tenant would have nobody in charge. */
async function keepLastOwner(tx: Tx, target: MemberTarget, what: string) {
  if (!target.isOwnerHere) return;
  const permanent = await tx.roleBinding.count({ where: { userId: target.id, roleId: { in: [...OWNER_ROLE_IDS] }, pending: false, expiresAt: null, node: { rootId: target.rootId } } });
  if (permanent > 0 && (await permanentOwnerCount(tx, target.rootId)) <= 1) {
    throw new AppError("conflict", `This is the only owner: add another owner before ${what} this one.`);
  }
}

/**
 * "Disable" from a tenant's Users screen. For an account this tenant manages, the account itself
 * is disabled everywhere (and its sessions end); for anyone else, only their membership here is
 * suspended: their roles here grant nothing, their account and other memberships are untouched.
 */
export async function setMemberStatus(tx: Tx, actor: Actor, target: MemberTarget, status: "ACTIVE" | "DISABLED"): Promise<{ scope: "account" | "membership" }> {
  const accountWide = target.managedHere || actor.subject.isPlatformStaff;
  if (status === "DISABLED") await keepLastOwner(tx, target, "disabling");
  if (!accountWide || target.suspendedHere) {
    if ((status === "DISABLED") === target.suspendedHere) return { scope: "membership" };
    if (status === "DISABLED") await tx.tenantSuspension.create({ data: { tenantId: target.rootId, userId: target.id, suspendedById: actor.userId } });
    else {
      await tx.tenantSuspension.delete({ where: { tenantId_userId: { tenantId: target.rootId, userId: target.id } } });
      // Lifting a suspension counts as use, so inactivity expiry doesn't suspend them again at once.
      await touchMembership(tx, target.id, target.rootId, new Date(), { force: true });
    }
    await recordAudit(tx, { tenantId: target.rootId, actorId: actor.userId, action: status === "DISABLED" ? "member.suspended" : "member.unsuspended", targetType: "user", targetId: target.id, ip: actor.ip });
    await bumpAuthzVersion(tx, target.rootId);
    return { scope: "membership" };
  }
  if (target.status === status) return { scope: "account" };
  if (target.status === "INVITED" && status === "ACTIVE") throw new AppError("conflict", "This person hasn't accepted their invitation yet; send the invite again instead.");
  await tx.user.update({ where: { id: target.id }, data: { status } });
  if (status === "DISABLED") {
    await tx.session.updateMany({ where: { userId: target.id, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: "account disabled" } });
  }
  await recordAudit(tx, { tenantId: target.rootId, actorId: actor.userId, action: status === "DISABLED" ? "member.disabled" : "member.enabled", targetType: "user", targetId: target.id, ip: actor.ip });
  await bumpAuthzVersion(tx, target.rootId);
  return { scope: "account" };
}

/**
 * Deletes a person from the place's organisation: their roles in this tenant are removed. If this
 * tenant manages their account and they belong nowhere else, the account itself is deleted:
 * sign-in data is wiped and the row stays as a tombstone so their notes, appointments and audit
 * entries stay attributed to them. `confirmation` must be the person's email, typed by the admin.
 */
export async function deleteMember(tx: Tx, actor: Actor, target: MemberTarget, confirmation: string): Promise<{ accountDeleted: boolean }> {
  if (confirmation.trim().toLowerCase() !== target.email.toLowerCase()) {
    throw new AppError("invalid", "Type the person's email address exactly to confirm.", { confirmation: [`Type ${target.email} to confirm.`] });
  }
  await keepLastOwner(tx, target, "deleting");
  const removed = await tx.roleBinding.findMany({ where: { userId: target.id, node: { rootId: target.rootId } }, select: { id: true, nodeId: true, roleId: true } });
  await tx.roleBinding.deleteMany({ where: { id: { in: removed.map((b) => b.id) } } });
  for (const b of removed) await queueEmSyncPush(tx, b.nodeId, target.id);
  await tx.tenantSuspension.deleteMany({ where: { tenantId: target.rootId, userId: target.id } });
  const elsewhere = (await tx.roleBinding.count({ where: { userId: target.id } })) > 0;
  const deleteAccount = !elsewhere && (target.managedHere || actor.subject.isPlatformStaff);
  if (deleteAccount) {
    await tx.user.update({
      where: { id: target.id },
      data: { email: `deleted+${target.id}@deleted.invalid`, phone: null, passwordHash: null, status: "DISABLED", deletedAt: new Date(), name: `${target.name} (deleted)` },
    });
    await tx.session.updateMany({ where: { userId: target.id, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: "account deleted" } });
  }
  await recordAudit(tx, {
    tenantId: target.rootId,
    actorId: actor.userId,
    action: deleteAccount ? "member.deleted" : "member.removed",
    targetType: "user",
    targetId: target.id,
    details: { email: target.email, roles: removed.map((b) => ({ nodeId: b.nodeId, roleId: b.roleId })) },
    ip: actor.ip,
  });
  await bumpAuthzVersion(tx, target.rootId);
  return { accountDeleted: deleteAccount };
}

export const memberDetailsSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(120, "Keep the name under 120 characters."),
  phone: z
    .string()
    .trim()
    .max(40)
    .regex(/^[+()\d\s.-]*$/, "Use digits, spaces and + ( ) - only.")
    .transform((v) => v || null)
    .nullable()
    .optional(),
});

/** Name and phone are the account's: only for a tenant that manages it (the wrapper checks, reach "account"). */
export async function updateMemberDetails(tx: Tx, actor: Actor, target: MemberTarget, input: z.infer<typeof memberDetailsSchema>) {
  await tx.user.update({ where: { id: target.id }, data: { name: input.name, ...(input.phone !== undefined ? { phone: input.phone } : {}) } });
  await recordAudit(tx, { tenantId: target.rootId, actorId: actor.userId, action: "member.updated", targetType: "user", targetId: target.id, details: { fields: Object.keys(input) }, ip: actor.ip });
}

/** Removes every role the person has at the place or below it (their account stays). */
export async function removeMemberFromPlace(tx: Tx, actor: Actor, placeId: string, userId: string) {
  // setMemberRoles checks that they belong here (404 otherwise) and locks the tenant.
  const place = await tenantOf(tx, placeId);
  const below = await tx.roleBinding.findMany({ where: { userId, node: inSubtree(placeId) } });
  await setMemberRoles(tx, actor, placeId, userId, below.map((b) => ({ nodeId: b.nodeId, roleId: null })));
  await recordAudit(tx, { tenantId: place.rootId, actorId: actor.userId, action: "member.removed", targetType: "user", targetId: userId, details: { placeId }, ip: actor.ip });
}
