import { AppError } from "../api/errors";
import { consume, waitMessage } from "../security/rate-limit";
import { canChangeBinding, resolveRoleGrants } from "../authz";
import type { RoleRow } from "../authz/subject";
import type { Tx } from "../db/client";
import { inviteMember, type InvitationSent } from "../invitations/invitations";
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
  await refuseIfAlreadyHere(tx, input.email, place.rootId);
  await limitInvites(actor);
  return inviteMember(tx, { email: input.email, name: input.name, assignments: input.assignments, invitedById: actor.userId, ip: actor.ip });
}

/** Each invitation or added person sends an email: at most LIMITS.invites an hour per sender. */
export async function limitInvites(actor: Actor) {
  const limit = await consume("invites", actor.userId);
  if (!limit.ok) throw new AppError("rate_limited", waitMessage(limit.retryAfterSeconds), undefined, limit.retryAfterSeconds);
}

/** Only this tenant's own people are named: a member or an open invitation here is a conflict. */
async function refuseIfAlreadyHere(tx: Tx, email: string, rootId: string) {
  const already = await tx.roleBinding.count({ where: { user: { email }, node: { rootId } } });
  if (already) throw new AppError("conflict", `${email} is already a member here or has an invitation waiting; change their role or send the invitation again.`);
}

/**
 * "Add user" with a password (or an activation email): the same rules as an invitation. The new
 * account is managed by this tenant. An email that already has an account gets an invitation to
 * accept instead (its owner decides), and the answer is the same either way.
 */
export async function addUserToPlace(
  tx: Tx,
  actor: Actor,
  placeId: string,
  input: { email: string; name: string; phone?: string; password: string | null; assignments: { nodeId: string; roleId: string }[] },
): Promise<InvitationSent> {
  const place = await checkNewAssignments(tx, actor, placeId, input.assignments);
  await refuseIfAlreadyHere(tx, input.email, place.rootId);
  await limitInvites(actor);
  if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    await inviteMember(tx, { email: input.email, name: input.name, assignments: input.assignments, invitedById: actor.userId, ip: actor.ip });
  } else {
    await createUserWithPassword(tx, { ...input, createdById: actor.userId });
  }
  return { email: input.email, message: addedMessage(input.email) };
}

export const addedMessage = (email: string) => `Added ${email}. If this email already had a CareAccess account, they were sent an invitation to accept instead.`;

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
