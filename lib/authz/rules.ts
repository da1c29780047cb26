import { isEmergencyBinding } from "./emergency";
import type { Permission } from "./catalogue";
import type { Grant } from "./grants";
import { scopeCovers } from "./grants";
import { bindingsReaching, decide, holdsAt } from "./decide";
import { ADMIN_ROLE_IDS, OWNER_ROLE_IDS } from "./roles";
import { SCOPE_NODE, isLive, withoutDelegations, type Subject } from "./subject";

/** Role-hierarchy rules as small pure functions. Each returns why not, or null when allowed. */
export type RuleResult = { ok: true } | { ok: false; code: "forbidden" | "conflict"; reason: string };
const OK: RuleResult = { ok: true };
const no = (code: "forbidden" | "conflict", reason: string): RuleResult => ({ ok: false, code, reason });

/** Is the subject an owner (live owner binding) at this node or above it? */
export function isOwnerAt(subject: Subject, nodeId: string, now = Date.now()): boolean {
  return bindingsReaching(subject, nodeId).some((b) => b.isOwner && isLive(b, now));
}

/**
 * The scopes of the subject's unconditioned, unrestricted grants of `permission` that reach `nodeId`.
 * A node-scoped grant reaches only its binding's own node, so one held above `nodeId` doesn't count.
 */
function heldScopes(subject: Subject, nodeId: string, permission: Permission, now: number) {
  return bindingsReaching(subject, nodeId)
    // Emergency access (issue 11) lets its holder read, never hand on what it lets them read.
    .filter((b) => isLive(b, now) && !isEmergencyBinding(b))
    .flatMap((b) =>
      (b.grants.get(permission) ?? [])
        .filter((g) => !g.hasConditions && !g.source.hide?.length && !g.source.readOnly?.length)
        .filter((g) => g.scope !== SCOPE_NODE || b.nodeId === nodeId)
        .map((g) => g.source.scope ?? "subtree"),
    );
}

/** Nobody grants above their own rights: every grant must be held by the actor at that node, as wide. */
export function canGrant(actor: Subject, nodeId: string, grants: readonly Grant[], now = Date.now()): RuleResult {
  if (isOwnerAt(actor, nodeId, now)) return OK;
  const missing = grants.filter((grant) => !heldScopes(actor, nodeId, grant.permission, now).some((s) => scopeCovers(s, grant.scope ?? "subtree")));
  if (missing.length === 0) return OK;
  return no("forbidden", `You can only grant what you hold yourself; you don't hold ${missing.map((g) => g.permission).join(", ")} here.`);
}

export interface BindingChange {
  nodeId: string;
  /** The target's current role at the node, if any. */
  currentRoleId?: string | null;
  /** The role they will have; null when the binding is removed. */
  nextRoleId: string | null;
  /** The grants of the next role, to check "grant only what you hold". */
  nextGrants?: readonly Grant[];
  /** When the current binding ends (ms; null or undefined: never) and when the next one will. */
  currentExpiresAt?: number | null;
  nextExpiresAt?: number | null;
  /** How many permanent owners (no end date) the tenant has now, the target's binding included. */
  ownerCount: number;
}

/**
 * Who may change someone's role: owners' and admins' roles only by owners; the last owner can't be
 * removed or demoted; nobody hands out more than they hold.
 */
export function canChangeBinding(actor: Subject, change: BindingChange, now = Date.now()): RuleResult {
  const actorIsOwner = isOwnerAt(actor, change.nodeId, now);
  const touches = [change.currentRoleId, change.nextRoleId].filter((r): r is string => Boolean(r));
  if (touches.some((r) => OWNER_ROLE_IDS.has(r)) && !actorIsOwner) return no("forbidden", "Only an owner can give or take away the Owner role.");
  if (touches.some((r) => ADMIN_ROLE_IDS.has(r)) && !actorIsOwner) return no("forbidden", "Only an owner can change an admin's rights.");
  if (!actorIsOwner && !decide(actor, "members.manage_roles", { nodeId: change.nodeId }, { now })) {
    return no("forbidden", "You can't change people's roles here.");
  }
  // An owner with an end date will lapse: giving the last permanent owner one removes them too.
  const wasPermanentOwner = Boolean(change.currentRoleId && OWNER_ROLE_IDS.has(change.currentRoleId) && change.currentExpiresAt == null);
  const staysPermanentOwner = Boolean(change.nextRoleId && OWNER_ROLE_IDS.has(change.nextRoleId) && change.nextExpiresAt == null);
  if (wasPermanentOwner && !staysPermanentOwner && change.ownerCount <= 1) {
    return no("conflict", "This is the only owner: add another owner before removing, changing or ending this one.");
  }
  if (change.nextGrants) return canGrant(actor, change.nodeId, change.nextGrants, now);
  return OK;
}

/** How far an action on a member reaches: reading them, their roles here, their membership here, or their account. */
export type MemberReach = "read" | "roles" | "membership" | "account";

export interface MemberFacts {
  userId: string;
  /** The target holds a live Owner binding in this tenant. */
  isOwnerHere: boolean;
  /** The place's tenant manages the target's account (created it or verified its email domain). */
  managedHere: boolean;
  /** Every role they have here is an invitation they haven't accepted. */
  pendingHere?: boolean;
}

/**
 * Who may act on a member at a place (the permission at the place is checked before this):
 * - owners are acted on only by owners (roles: canChangeBinding says the same per binding);
 * - suspend, remove and account-wide changes are never done to oneself from the admin screens;
 * - account-wide changes (disable everywhere, rename, reset password, unlock, end sessions,
 *   provider identity) only by the tenant that manages the account, or platform staff.
 */
export function canActOnMember(actor: Subject, placeId: string, target: MemberFacts, reach: MemberReach, now = Date.now()): RuleResult {
  if (reach === "read" || reach === "roles") return OK;
  if (target.userId === actor.userId) return no("conflict", "You can't do that to your own account here; use Your account, or ask another admin.");
  if (target.isOwnerHere && !isOwnerAt(actor, placeId, now)) return no("forbidden", "Only an owner can do that to an owner.");
  if (reach === "account" && target.pendingHere) return no("conflict", "This person hasn't accepted the invitation yet; until then their account isn't yours to change.");
  if (reach === "account" && !target.managedHere && !actor.isPlatformStaff) {
    return no(
      "forbidden",
      "This person's account isn't managed by your organization, so only they can change it. Here you can change their roles, suspend them or remove them.",
    );
  }
  return OK;
}

/** Where a custom role was defined, as the rule below reads it (names only make the reason readable). */
export interface RoleDefinition {
  /** The node the role was defined at (its tenant root for roles that predate recording it). */
  nodeId: string;
  nodeName?: string;
}

/**
 * Who may change (edit or delete) a custom role: only someone who may manage roles — `roles.edit` or
 * `roles.delete` — at the node where the role was defined, or above it. A region admin can read an
 * enterprise-level role from their region but not change it. Grants in the saved role are checked
 * separately, with canGrant at that same node.
 */
export function canChangeRole(actor: Subject, role: RoleDefinition, permission: "roles.edit" | "roles.delete", now = Date.now()): RuleResult {
  if (isOwnerAt(actor, role.nodeId, now) || decide(actor, permission, { nodeId: role.nodeId }, { now })) return OK;
  const where = role.nodeName ? `at ${role.nodeName}` : "higher up in the organisation";
  return no("forbidden", `This role was defined ${where}; only someone who can ${permission === "roles.edit" ? "edit" : "delete"} roles there can ${permission === "roles.edit" ? "change" : "delete"} it.`);
}

/**
 * Delegation (issue 11): one may delegate only permissions one holds oneself at the place, through
 * one's own roles (never rights one was delegated), and never to oneself. The delegate then gets,
 * at each decision, the subset ∩ what the delegator holds at that moment (decide.ts).
 */
export function canDelegate(actor: Subject, nodeId: string, delegateId: string, permissions: readonly Permission[], now = Date.now()): RuleResult & { missing?: Permission[] } {
  if (delegateId === actor.userId) return no("conflict", "You can't delegate to yourself.");
  const own = withoutDelegations(actor);
  const missing = permissions.filter((p) => !holdsAt(own, p, nodeId, now));
  if (missing.length === 0) return OK;
  return { ...no("forbidden", `You can only delegate what you hold yourself here; you don't hold ${missing.join(", ")}.`), missing };
}
