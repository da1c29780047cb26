import { AppError, forbidden, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { builtinRoleId, canGrant, decide, parseAdjustments, OWNER_ROLE_IDS, ADMIN_ROLE_IDS, isOwnerAt, lookupNode, type Grant, type Permission, type Subject } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import { isLive, SCOPE_ASSIGNED, SCOPE_NODE, SCOPE_OWN } from "../authz/subject";
import { enterable } from "../context/enterable";
import type { Tx } from "../db/client";
import { countMembers } from "../members/directory";
import { createNode, inSubtree } from "../orgs/nodes";
import type { Actor } from "../members/admin";

/** The places ("profiles" in the API) a person can enter, and what they can do to them. */

export async function createProfile(tx: Tx, actor: Actor, input: { kind: "CARE_PROFILE" | "PRACTICE"; name: string; timeZone: string }) {
  const node = await createNode(tx, { kind: input.kind, name: input.name, timeZone: input.timeZone });
  const roleId = builtinRoleId(input.kind === "CARE_PROFILE" ? "care_owner" : "owner");
  await tx.roleBinding.create({ data: { userId: actor.userId, nodeId: node.id, roleId, reason: "Created the profile" } });
  await recordAudit(tx, { tenantId: node.id, actorId: actor.userId, action: "profile.created", targetType: "node", targetId: node.id, details: { kind: input.kind, name: input.name }, ip: actor.ip });
  return node;
}

export async function profileDetail(tx: Tx, subject: Subject, nodeId: string) {
  const place = enterable(subject, nodeId);
  if (!place) throw notFound("That profile");
  const row = await tx.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { timeZone: true, parentId: true, createdAt: true } });
  return {
    ...place,
    timeZone: row.timeZone,
    parentId: row.parentId,
    createdAt: row.createdAt.toISOString(),
    memberCount: decide(subject, "members.read", { nodeId }) ? await countMembers(tx, nodeId) : null,
  };
}

/** Renaming a practice or location is an org-tree edit; a care profile's name is one of its settings. */
const editPermission = (kind: string): Permission => (kind === "CARE_PROFILE" ? "settings.edit" : "locations.edit");

export async function updateProfile(tx: Tx, actor: Actor, nodeId: string, input: { name?: string; timeZone?: string }) {
  const node = await tx.orgNode.findUniqueOrThrow({ where: { id: nodeId } });
  if (!decide(actor.subject, editPermission(node.kind), { nodeId })) throw forbidden("Your role here can't rename or change this profile.");
  await tx.orgNode.update({ where: { id: nodeId }, data: { ...(input.name ? { name: input.name } : {}), ...(input.timeZone ? { timeZone: input.timeZone } : {}) } });
  await bumpAuthzVersion(tx, node.rootId, { tree: true });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "profile.updated", targetType: "node", targetId: nodeId, details: { before: { name: node.name, timeZone: node.timeZone }, after: input }, ip: actor.ip });
}

/**
 * Deleting a profile archives it and everything under it: nobody can enter it any more, and its
 * records are kept (clinical and audit records must outlive the profile). Only an owner of a tenant
 * root may do it (tenant.delete); a node inside a tenant needs locations.delete.
 */
export async function deleteProfile(tx: Tx, actor: Actor, nodeId: string) {
  const node = await tx.orgNode.findUniqueOrThrow({ where: { id: nodeId } });
  const permission: Permission = node.parentId === null ? "tenant.delete" : "locations.delete";
  if (!decide(actor.subject, permission, { nodeId })) throw forbidden(node.parentId === null ? "Only the owner can delete this profile." : "Your role here can't archive this place.");
  const now = new Date();
  const archived = await tx.orgNode.updateMany({ where: { archivedAt: null, ...inSubtree(nodeId) }, data: { archivedAt: now } });
  await bumpAuthzVersion(tx, node.rootId, { tree: true });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "profile.deleted", targetType: "node", targetId: nodeId, details: { name: node.name, archivedNodes: archived.count }, ip: actor.ip });
}

const SCOPE_NAMES: Record<number, string> = { 0: "subtree", [SCOPE_NODE]: "node", [SCOPE_ASSIGNED]: "assigned", [SCOPE_OWN]: "own" };

/** The caller's effective permissions at a place: every permission a live binding there or above grants. */
export function effectivePermissions(subject: Subject, nodeId: string, now = Date.now()) {
  const place = enterable(subject, nodeId, now);
  if (!place) throw notFound("That profile");
  const node = lookupNode(subject, nodeId)!;
  const found = new Map<string, { scopes: Set<string>; conditions: Set<string> }>();
  for (const id of node.ancestors) {
    for (const b of subject.byNode.get(id) ?? []) {
      if (!isLive(b, now)) continue;
      for (const [permission, grants] of b.grants) {
        for (const g of grants) {
          if (g.scope === SCOPE_NODE && b.nodeId !== nodeId) continue;
          const entry = found.get(permission) ?? { scopes: new Set(), conditions: new Set() };
          entry.scopes.add(SCOPE_NAMES[g.scope]);
          if (g.maxAmount !== undefined) entry.conditions.add(`amount under ${g.maxAmount}`);
          if (g.window) entry.conditions.add(`${g.window.start}-${g.window.end}`);
          found.set(permission, entry);
        }
      }
    }
  }
  return {
    profileId: nodeId,
    role: place.role,
    permissions: [...found.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([permission, e]) => ({ permission, scopes: [...e.scopes], conditions: [...e.conditions] })),
  };
}

/**
 * Changes one member's grants at this profile: permissions added to or removed from their role here
 * (profile-specific permissions override the role's defaults). Owners' rights can't be reduced,
 * only owners change admins' rights, and nobody grants what they don't hold.
 */
export async function updateMemberPermissions(tx: Tx, actor: Actor, nodeId: string, input: { userId: string; add: Grant[]; remove: Permission[] }) {
  const node = await tx.orgNode.findUniqueOrThrow({ where: { id: nodeId }, select: { rootId: true } });
  const binding = await tx.roleBinding.findUnique({ where: { userId_nodeId: { userId: input.userId, nodeId } } });
  if (!binding) {
    const elsewhere = await tx.roleBinding.count({ where: { userId: input.userId, node: { rootId: node.rootId } } });
    if (!elsewhere) throw notFound("That member");
    throw new AppError("conflict", "That person has no role at this profile itself; give them one here first.");
  }
  if (OWNER_ROLE_IDS.has(binding.roleId) && input.remove.length > 0) throw new AppError("conflict", "An owner's rights can't be reduced.");
  if ((OWNER_ROLE_IDS.has(binding.roleId) || ADMIN_ROLE_IDS.has(binding.roleId)) && !isOwnerAt(actor.subject, nodeId)) {
    throw forbidden("Only an owner can change an admin's or owner's rights.");
  }
  if (input.userId === actor.userId && !isOwnerAt(actor.subject, nodeId)) throw forbidden("You can't change your own permissions.");
  const verdict = canGrant(actor.subject, nodeId, input.add);
  if (!verdict.ok) throw new AppError(verdict.code, verdict.reason);
  const current = parseAdjustments(binding.adjustments);
  const removed = new Set([...(current.remove ?? []), ...input.remove]);
  for (const g of input.add) removed.delete(g.permission);
  const added = [...(current.add ?? []).filter((g) => !input.remove.includes(g.permission) && !input.add.some((a) => a.permission === g.permission)), ...input.add];
  const adjustments = { add: added, remove: [...removed] };
  await tx.roleBinding.update({ where: { id: binding.id }, data: { adjustments: adjustments as object } });
  await bumpAuthzVersion(tx, node.rootId);
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "member.permissions_changed", targetType: "user", targetId: input.userId, details: { nodeId, add: input.add, remove: input.remove }, ip: actor.ip });
  return adjustments;
}
