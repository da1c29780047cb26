import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { OWNER_ROLE_IDS, canChangeBinding, isOwnerAt, resolveRoleGrants, type Subject } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { RoleRow } from "../authz/subject";
import type { Tx } from "../db/client";
import { findMember } from "./directory";

/**
 * Changes to people at a place, each in the caller's transaction, each audited. The caller has
 * already checked the permission at the place (members.manage_roles, members.edit, members.delete);
 * these functions enforce the rules that depend on the target: owners are protected, the last
 * owner stays, nobody hands out more than they hold, the target must belong here.
 */

export interface Actor {
  subject: Subject;
  userId: string;
  ip?: string | null;
}

async function tenantOf(tx: Tx, nodeId: string) {
  return tx.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { id: true, rootId: true, name: true, kind: true } });
}

async function liveOwnerCount(tx: Tx, rootId: string, now = new Date()) {
  return tx.roleBinding.count({
    where: { roleId: { in: [...OWNER_ROLE_IDS] }, node: { rootId }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }], user: { status: "ACTIVE", deletedAt: null } },
  });
}

/** Roles assignable in a tenant: built-in ones of its family, and its own custom roles. */
export async function assignableRoles(tx: Tx, rootId: string) {
  const root = await tx.orgNode.findUniqueOrThrow({ where: { id: rootId }, select: { kind: true } });
  const family = root.kind === "CARE_PROFILE" ? "care" : "clinic";
  return tx.role.findMany({
    where: { OR: [{ tenantId: null, family }, { tenantId: rootId }] },
    orderBy: [{ tenantId: { sort: "asc", nulls: "first" } }, { name: "asc" }],
    select: { id: true, key: true, name: true, description: true, tenantId: true, parentId: true, grants: true, removals: true, family: true },
  });
}

export const roleAssignmentSchema = z.object({
  nodeId: z.uuid({ error: "Choose a location." }),
  /** null removes the person's role at that node. */
  roleId: z.string().min(1, "Choose a role.").nullable(),
  expiresAt: z.iso.datetime({ offset: true, error: "Use a full date and time." }).nullable().optional(),
});
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;

/**
 * Sets a person's role at one or more nodes under the place (Manager at Seattle, Front Desk at
 * Portland). Creates, changes or removes bindings; refuses what the rules refuse.
 */
export async function setMemberRoles(tx: Tx, actor: Actor, placeId: string, userId: string, assignments: RoleAssignment[], options: { requireExisting?: boolean } = {}) {
  const place = await tenantOf(tx, placeId);
  if (options.requireExisting !== false && !(await findMember(tx, placeId, userId))) throw notFound("That person");
  const roles = new Map((await assignableRoles(tx, place.rootId)).map((r) => [r.id, r]));
  const roleRows = new Map<string, RoleRow>([...roles.values()].map((r) => [r.id, r]));
  for (const a of assignments) {
    const inPlace = await tx.orgNodeClosure.findUnique({ where: { ancestorId_descendantId: { ancestorId: placeId, descendantId: a.nodeId } } });
    if (!inPlace) throw new AppError("invalid", "That location is not part of this place.", { nodeId: ["Choose a location inside this place."] });
    if (a.roleId !== null && !roles.has(a.roleId)) throw new AppError("invalid", "That role can't be used here.", { roleId: ["Choose one of the roles listed."] });
    const current = await tx.roleBinding.findUnique({ where: { userId_nodeId: { userId, nodeId: a.nodeId } } });
    if (!current && a.roleId === null) continue;
    if (current && current.roleId === a.roleId && (a.expiresAt === undefined || String(current.expiresAt?.toISOString() ?? null) === String(a.expiresAt ?? null))) continue;
    const verdict = canChangeBinding(actor.subject, {
      nodeId: a.nodeId,
      currentRoleId: current?.roleId ?? null,
      nextRoleId: a.roleId,
      nextGrants: a.roleId ? resolveRoleGrants(a.roleId, roleRows) : undefined,
      ownerCount: await liveOwnerCount(tx, place.rootId),
    });
    if (!verdict.ok) throw new AppError(verdict.code, verdict.reason);
    if (a.roleId === null) await tx.roleBinding.delete({ where: { id: current!.id } });
    else if (current) await tx.roleBinding.update({ where: { id: current.id }, data: { roleId: a.roleId, expiresAt: a.expiresAt ?? null, grantedById: actor.userId } });
    else await tx.roleBinding.create({ data: { userId, nodeId: a.nodeId, roleId: a.roleId, expiresAt: a.expiresAt ?? null, grantedById: actor.userId } });
    await recordAudit(tx, {
      tenantId: place.rootId,
      actorId: actor.userId,
      action: a.roleId === null ? "member.role_removed" : current ? "member.role_changed" : "member.role_added",
      targetType: "user",
      targetId: userId,
      details: { nodeId: a.nodeId, from: current?.roleId ?? null, to: a.roleId, expiresAt: a.expiresAt ?? null },
      ip: actor.ip,
    });
  }
  await bumpAuthzVersion(tx, place.rootId);
}

/** Owners can only be disabled, deleted or reset by owners. */
function assertMayManage(actor: Actor, placeId: string, target: NonNullable<Awaited<ReturnType<typeof findMember>>>) {
  if (target.id === actor.userId) throw new AppError("conflict", "You can't do that to your own account here; ask another admin.");
  const targetIsOwner = target.bindings.some((b) => OWNER_ROLE_IDS.has(b.roleId));
  if (targetIsOwner && !isOwnerAt(actor.subject, placeId)) throw new AppError("forbidden", "Only an owner can do that to an owner.");
}

export async function setMemberStatus(tx: Tx, actor: Actor, placeId: string, userId: string, status: "ACTIVE" | "DISABLED") {
  const place = await tenantOf(tx, placeId);
  const target = await findMember(tx, placeId, userId);
  if (!target) throw notFound("That person");
  assertMayManage(actor, placeId, target);
  if (status === "DISABLED" && target.bindings.some((b) => OWNER_ROLE_IDS.has(b.roleId)) && (await liveOwnerCount(tx, place.rootId)) <= 1) {
    throw new AppError("conflict", "This is the only owner: add another owner before disabling this one.");
  }
  if (target.status === status) return;
  if (target.status === "INVITED" && status === "ACTIVE") throw new AppError("conflict", "This person hasn't accepted their invitation yet; send the invite again instead.");
  await tx.user.update({ where: { id: userId }, data: { status } });
  if (status === "DISABLED") {
    await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: "account disabled" } });
  }
  await recordAudit(tx, { tenantId: place.rootId, actorId: actor.userId, action: status === "DISABLED" ? "member.disabled" : "member.enabled", targetType: "user", targetId: userId, ip: actor.ip });
  await bumpAuthzVersion(tx, place.rootId);
}

/**
 * Deletes a person from the place's organisation. If they belong nowhere else, the account itself
 * is deleted: sign-in data is wiped and the row stays as a tombstone so their notes, appointments
 * and audit entries stay attributed to them. If they belong to other organisations, only their
 * roles here are removed. `confirmation` must be the person's email, typed by the admin.
 */
export async function deleteMember(tx: Tx, actor: Actor, placeId: string, userId: string, confirmation: string): Promise<{ accountDeleted: boolean }> {
  const place = await tenantOf(tx, placeId);
  const target = await findMember(tx, placeId, userId);
  if (!target) throw notFound("That person");
  if (confirmation.trim().toLowerCase() !== target.email.toLowerCase()) {
    throw new AppError("invalid", "Type the person's email address exactly to confirm.", { confirmation: [`Type ${target.email} to confirm.`] });
  }
  assertMayManage(actor, placeId, target);
  const here = target.bindings.filter((b) => b.node.rootId === place.rootId);
  if (here.some((b) => OWNER_ROLE_IDS.has(b.roleId)) && (await liveOwnerCount(tx, place.rootId)) <= 1) {
    throw new AppError("conflict", "This is the only owner: add another owner before deleting this one.");
  }
  await tx.roleBinding.deleteMany({ where: { id: { in: here.map((b) => b.id) } } });
  const elsewhere = target.bindings.length > here.length;
  if (!elsewhere) {
    await tx.user.update({
      where: { id: userId },
      data: { email: `deleted+${userId}@deleted.invalid`, phone: null, passwordHash: null, status: "DISABLED", deletedAt: new Date(), name: `${target.name} (deleted)` },
    });
    await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: "account deleted" } });
  }
  await recordAudit(tx, {
    tenantId: place.rootId,
    actorId: actor.userId,
    action: elsewhere ? "member.removed" : "member.deleted",
    targetType: "user",
    targetId: userId,
    details: { email: target.email, roles: here.map((b) => ({ nodeId: b.nodeId, roleId: b.roleId })) },
    ip: actor.ip,
  });
  await bumpAuthzVersion(tx, place.rootId);
  return { accountDeleted: !elsewhere };
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

export async function updateMemberDetails(tx: Tx, actor: Actor, placeId: string, userId: string, input: z.infer<typeof memberDetailsSchema>) {
  const place = await tenantOf(tx, placeId);
  const target = await findMember(tx, placeId, userId);
  if (!target) throw notFound("That person");
  await tx.user.update({ where: { id: userId }, data: { name: input.name, ...(input.phone !== undefined ? { phone: input.phone } : {}) } });
  await recordAudit(tx, { tenantId: place.rootId, actorId: actor.userId, action: "member.updated", targetType: "user", targetId: userId, details: { fields: Object.keys(input) }, ip: actor.ip });
}

/** Removes every role the person has at the place or below it (their account stays). */
export async function removeMemberFromPlace(tx: Tx, actor: Actor, placeId: string, userId: string) {
  const place = await tenantOf(tx, placeId);
  const target = await findMember(tx, placeId, userId);
  if (!target) throw notFound("That member");
  const below = await tx.roleBinding.findMany({ where: { userId, node: { ancestorLinks: { some: { ancestorId: placeId } } } } });
  await setMemberRoles(tx, actor, placeId, userId, below.map((b) => ({ nodeId: b.nodeId, roleId: null })));
  await recordAudit(tx, { tenantId: place.rootId, actorId: actor.userId, action: "member.removed", targetType: "user", targetId: userId, details: { placeId }, ip: actor.ip });
}
