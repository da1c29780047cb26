import { SEPARATION_OF_DUTIES, type Permission } from "./catalogue";
import {
  SCOPE_ASSIGNED,
  SCOPE_NODE,
  SCOPE_OWN,
  isLive,
  lookupNode,
  type CompiledBinding,
  type CompiledDelegation,
  type CompiledGrant,
  type Subject,
} from "./subject";

/** What decide() needs to know about a record: where it lives and who it belongs to. */
export interface ResourceRef {
  /** The org node the record lives at (a location, practice, region, enterprise or care profile). */
  nodeId: string;
  /** The person the record belongs to: primary provider, author, assignee of a call, requester. */
  ownerId?: string | null;
  /** People the record is assigned or shared to, besides its owner. */
  assigneeIds?: readonly string[];
  /** The patient the record is about (a patient's own id; a note's or appointment's patient): for a grant limited to one patient. */
  patientId?: string | null;
  /** For conditional grants such as "approve refunds under $200". */
  amount?: number;
  /** Separation-of-duties fields (see SEPARATION_OF_DUTIES). */
  approvedById?: string | null;
  requestedById?: string | null;
}

export interface DecisionContext {
  /** ms since epoch; defaults to the current time. */
  now?: number;
}

/**
 * The one permission check. Pure and synchronous: walks the record's node and its ancestors,
 * and at each one reads the subject's bindings there. Deny by default; a record in a tenant the
 * subject has no binding in is never found, so nothing crosses from one tenant root to another.
 */
export function decide(subject: Subject, permission: Permission, resource: ResourceRef, context?: DecisionContext): boolean {
  const node = lookupNode(subject, resource.nodeId);
  // An archived place (and everything under it) is closed to everyone.
  if (node === undefined || node.archived) return false;
  const sod = SEPARATION_OF_DUTIES[permission];
  if (sod !== undefined && (resource as unknown as Record<string, unknown>)[sod.field] === subject.userId) return false;
  const now = context?.now ?? Date.now();
  const ancestors = node.ancestors;
  for (let i = 0; i < ancestors.length; i++) {
    const here = subject.byNode.get(ancestors[i]);
    if (here === undefined) continue;
    for (let b = 0; b < here.length; b++) {
      const binding = here[b];
      if (!isLive(binding, now)) continue;
      if (binding.delegation !== undefined) {
        if (delegationAllows(binding.delegation, permission, resource, now)) return true;
        continue;
      }
      const grants = binding.grants.get(permission);
      if (grants === undefined) continue;
      for (let k = 0; k < grants.length; k++) {
        if (grantApplies(grants[k], binding, i === 0, subject.userId, resource, now)) return true;
      }
    }
  }
  return false;
}

/**
 * A delegated binding allows a permission it lists when the delegator's own rights allow it on this
 * record now (issue 11): subset ∩ what the delegator holds, at decision time. The record is at or
 * below the delegation's place (decide() reached it walking up from the record).
 */
function delegationAllows(delegation: CompiledDelegation, permission: Permission, resource: ResourceRef, now: number): boolean {
  return delegation.permissions.has(permission) && decide(delegation.subject, permission, resource, { now });
}

/** Does one grant of a binding reach this record? `atBindingNode`: the record is at the binding's own node. */
export function grantApplies(
  grant: CompiledGrant,
  binding: CompiledBinding,
  atBindingNode: boolean,
  userId: string,
  resource: ResourceRef,
  now: number,
): boolean {
  const scope = grant.scope;
  if (scope === SCOPE_NODE) {
    if (!atBindingNode) return false;
  } else if (scope === SCOPE_OWN) {
    if (resource.ownerId !== userId) return false;
  } else if (scope === SCOPE_ASSIGNED) {
    if (resource.ownerId !== userId && !(resource.assigneeIds?.includes(userId) ?? false)) return false;
  }
  return !grant.hasConditions || conditionsHold(grant, binding, resource, now);
}

export function conditionsHold(grant: CompiledGrant, binding: CompiledBinding, resource: ResourceRef, now: number): boolean {
  if (now < grant.validFrom || now >= grant.validUntil) return false;
  if (grant.patientIds !== undefined && !(resource.patientId && grant.patientIds.has(resource.patientId))) return false;
  if (grant.maxAmount !== undefined && !(typeof resource.amount === "number" && resource.amount < grant.maxAmount)) return false;
  if (grant.window !== undefined && !insideWindow(grant.window, binding.timeZone, now)) return false;
  return true;
}

/** The row-independent conditions (validity dates, time window): what where() can evaluate up front. */
export function timeConditionsHold(grant: CompiledGrant, binding: CompiledBinding, now: number): boolean {
  if (now < grant.validFrom || now >= grant.validUntil) return false;
  return grant.window === undefined || insideWindow(grant.window, binding.timeZone, now);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Local weekday and HH:MM in the node's time zone. */
export function localTime(timeZone: string, now: number): { day: number; hhmm: string } {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { day: WEEKDAYS[get("weekday")] ?? -1, hhmm: `${get("hour")}:${get("minute")}` };
}

function insideWindow(window: NonNullable<CompiledGrant["window"]>, timeZone: string, now: number): boolean {
  const { day, hhmm } = localTime(timeZone, now);
  return window.days.has(day) && hhmm >= window.start && hhmm < window.end;
}

/** Every (binding, grant) pair that allows the permission on this record: used by mask() and explain(). */
export function allowingGrants(
  subject: Subject,
  permission: Permission,
  resource: ResourceRef,
  context?: DecisionContext,
): { binding: CompiledBinding; grant: CompiledGrant }[] {
  const node = lookupNode(subject, resource.nodeId);
  if (!node || node.archived) return [];
  const sod = SEPARATION_OF_DUTIES[permission];
  if (sod && (resource as unknown as Record<string, unknown>)[sod.field] === subject.userId) return [];
  const now = context?.now ?? Date.now();
  const out: { binding: CompiledBinding; grant: CompiledGrant }[] = [];
  node.ancestors.forEach((ancestorId, i) => {
    for (const binding of subject.byNode.get(ancestorId) ?? []) {
      if (!isLive(binding, now)) continue;
      if (binding.delegation) {
        // The delegator's grants (their scope, conditions and masks), reached through this binding.
        if (binding.delegation.permissions.has(permission)) {
          for (const found of allowingGrants(binding.delegation.subject, permission, resource, { now })) out.push({ binding, grant: found.grant });
        }
        continue;
      }
      for (const grant of binding.grants.get(permission) ?? []) {
        if (grantApplies(grant, binding, i === 0, subject.userId, resource, now)) out.push({ binding, grant });
      }
    }
  });
  return out;
}

/**
 * Live bindings that reach the node (at it or above it), nearest first: none for an archived
 * place, and an expired binding reaches nothing (the wrapper answers 404 when this is empty).
 */
export function bindingsReaching(subject: Subject, nodeId: string, now = Date.now()): CompiledBinding[] {
  const node = lookupNode(subject, nodeId);
  if (!node || node.archived) return [];
  return node.ancestors.flatMap((id) => (subject.byNode.get(id) ?? []).filter((b) => isLive(b, now)));
}

/** Every binding that reaches the node, whether in force or not (explain names an expired or future one). */
export function allBindingsReaching(subject: Subject, nodeId: string): CompiledBinding[] {
  const node = lookupNode(subject, nodeId);
  if (!node || node.archived) return [];
  return node.ancestors.flatMap((id) => subject.byNode.get(id) ?? []);
}

/**
 * Does the subject hold the permission at this node in any scope (own and assigned included)?
 * For showing an entry point such as "View My Schedule", and for what one may delegate; the
 * records themselves are still filtered by decide()/where(). A delegated binding holds what it
 * lists while the delegator holds it.
 */
export function holdsAt(subject: Subject, permission: Permission, nodeId: string, now = Date.now()): boolean {
  const node = lookupNode(subject, nodeId);
  if (!node) return false;
  return node.ancestors.some((id) =>
    (subject.byNode.get(id) ?? []).some(
      (b) =>
        isLive(b, now) &&
        (b.delegation
          ? b.delegation.permissions.has(permission) && holdsAt(b.delegation.subject, permission, nodeId, now)
          : (b.grants.get(permission)?.some((g) => g.scope !== SCOPE_NODE || b.nodeId === nodeId) ?? false)),
    ),
  );
}
