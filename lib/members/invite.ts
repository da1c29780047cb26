import { AppError } from "../api/errors";
import { canChangeBinding, resolveRoleGrants } from "../authz";
import type { RoleRow } from "../authz/subject";
import type { Tx } from "../db/client";
import { inviteMember } from "../invitations/invitations";
import { createUserWithPassword } from "../security/account-admin";
import { assignableRoles, type Actor } from "./admin";

/**
 * Invites someone into a place with a role at each chosen node. The policy rules apply as for any
 * role change (only owners hand out Owner or Admin; nobody grants more than they hold); the
 * invitation itself — account, bindings, the email in the outbox — is lib/invitations.
 */
export async function inviteToPlace(
  tx: Tx,
  actor: Actor,
  placeId: string,
  input: { email: string; name?: string; assignments: { nodeId: string; roleId: string }[] },
) {
  const place = await checkNewAssignments(tx, actor, placeId, input.assignments);
  const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) {
    const already = await tx.roleBinding.count({ where: { userId: existing.id, node: { rootId: place.rootId } } });
    if (already) throw new AppError("conflict", `${input.email} is already a member here; change their role instead.`);
  }
  return inviteMember(tx, { email: input.email, name: input.name, assignments: input.assignments, invitedById: actor.userId, ip: actor.ip });
}

/** "Add user" with a password (or an activation email): the same rules as an invitation. */
export async function addUserToPlace(
  tx: Tx,
  actor: Actor,
  placeId: string,
  input: { email: string; name: string; phone?: string; password: string | null; assignments: { nodeId: string; roleId: string }[] },
) {
  await checkNewAssignments(tx, actor, placeId, input.assignments);
  return createUserWithPassword(tx, { ...input, createdById: actor.userId });
}

/** Each node must be inside the place, each role assignable there and within what the actor may hand out. */
export async function checkNewAssignments(tx: Tx, actor: Actor, placeId: string, assignments: { nodeId: string; roleId: string }[]) {
  if (assignments.length === 0) throw new AppError("invalid", "Some fields need attention.", { locations: ["Choose at least one location."] });
  const place = await tx.orgNode.findUniqueOrThrow({ where: { id: placeId }, select: { rootId: true } });
  const roles = await assignableRoles(tx, place.rootId);
  const roleRows = new Map<string, RoleRow>(roles.map((r) => [r.id, r]));
  for (const a of assignments) {
    const inPlace = await tx.orgNodeClosure.findUnique({ where: { ancestorId_descendantId: { ancestorId: placeId, descendantId: a.nodeId } } });
    if (!inPlace) throw new AppError("invalid", "Some fields need attention.", { locations: ["Choose locations inside this profile."] });
    if (!roleRows.has(a.roleId)) throw new AppError("invalid", "Some fields need attention.", { roleId: ["Choose one of the roles listed for this profile."] });
    const verdict = canChangeBinding(actor.subject, { nodeId: a.nodeId, currentRoleId: null, nextRoleId: a.roleId, nextGrants: resolveRoleGrants(a.roleId, roleRows), ownerCount: 1 });
    if (!verdict.ok) throw new AppError(verdict.code, verdict.reason);
  }
  return place;
}
