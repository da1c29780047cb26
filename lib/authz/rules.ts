import type { Permission } from "./catalogue";
import type { Grant } from "./grants";
import { scopeCovers } from "./grants";
import { bindingsReaching, decide } from "./decide";
import { ADMIN_ROLE_IDS, OWNER_ROLE_IDS } from "./roles";
import { SCOPE_NODE, type Subject } from "./subject";

/** Role-hierarchy rules as small pure functions. Each returns why not, or null when allowed. */
export type RuleResult = { ok: true } | { ok: false; code: "forbidden" | "conflict"; reason: string };
const OK: RuleResult = { ok: true };
const no = (code: "forbidden" | "conflict", reason: string): RuleResult => ({ ok: false, code, reason });

/** Is the subject an owner (live owner binding) at this node or above it? */
export function isOwnerAt(subject: Subject, nodeId: string, now = Date.now()): boolean {
  return bindingsReaching(subject, nodeId).some((b) => b.isOwner && b.expiresAt > now);
}

/**
 * The scopes of the subject's unconditioned, unrestricted grants of `permission` that reach `nodeId`.
 * A node-scoped grant reaches only its binding's own node, so one held above `nodeId` doesn't count.
 */
function heldScopes(subject: Subject, nodeId: string, permission: Permission, now: number) {
  return bindingsReaching(subject, nodeId)
    .filter((b) => b.expiresAt > now)
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
  /** How many live owners the tenant has now, and whether the target is one of them. */
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
  const losingOwner = change.currentRoleId && OWNER_ROLE_IDS.has(change.currentRoleId) && !(change.nextRoleId && OWNER_ROLE_IDS.has(change.nextRoleId));
  if (losingOwner && change.ownerCount <= 1) return no("conflict", "This is the only owner: add another owner before removing or changing this one.");
  if (change.nextGrants) return canGrant(actor, change.nodeId, change.nextGrants, now);
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
