import { CATALOGUE, SEPARATION_OF_DUTIES, isPermission, resourceOf, type Permission } from "./catalogue";
import { allowingGrants, allBindingsReaching, conditionsHold, localTime, type DecisionContext, type ResourceRef } from "./decide";
import { SCOPE_ASSIGNED, SCOPE_NODE, SCOPE_OWN, isLive, lookupNode, type CompiledBinding, type CompiledGrant, type Subject } from "./subject";

export interface Explanation {
  allowed: boolean;
  permission: Permission;
  /** One sentence an admin can read. */
  reason: string;
  /** What allowed it. */
  via?: { bindingId: string; role: string; node: string; scope: string };
  /** The one change that would allow it, when it is denied. */
  fix?: string;
}

const SCOPE_WORDS: Record<number, string> = { 0: "everything", 1: "this node only", 2: "assigned or shared records", 3: "own records" };
const scopeName = (grant: CompiledGrant) => grant.source.scope ?? "subtree";
const at = (b: CompiledBinding) => `${b.roleName} at ${b.nodeName}`;

/**
 * The same decision as decide(), with its reason: the binding and grant that allowed it, or the
 * closest miss and the one change that would allow it. Slower than decide(); for admins and tests.
 */
export function explain(subject: Subject, permission: Permission, resource: ResourceRef, context?: DecisionContext): Explanation {
  if (!isPermission(permission)) return { allowed: false, permission, reason: `${String(permission)} is not a permission CareAccess knows.` };
  const now = context?.now ?? Date.now();
  const allowed = allowingGrants(subject, permission, resource, { now });
  if (allowed.length > 0) {
    const { binding, grant } = allowed[0];
    return {
      allowed: true,
      permission,
      reason: `${at(binding)} grants ${permission} on ${SCOPE_WORDS[grant.scope]}.`,
      via: { bindingId: binding.id, role: binding.roleName, node: binding.nodeName, scope: scopeName(grant) },
    };
  }
  const deny = (reason: string, fix?: string): Explanation => ({ allowed: false, permission, reason, fix });

  const node = lookupNode(subject, resource.nodeId);
  if (!node) return deny("The person has no role anywhere in this organisation.", "Invite them to the practice or profile and give them a role.");

  const sod = SEPARATION_OF_DUTIES[permission];
  if (sod && (resource as unknown as Record<string, unknown>)[sod.field] === subject.userId) {
    return deny(`Separation of duties: ${sod.reason}.`, "Ask a different person to do it.");
  }

  if (node.archived) return deny(`${node.name} is archived: nobody can use it.`, "Create the place again, or move its records elsewhere.");
  // Every binding, expired ones too, so an expired role can be named as the reason.
  const reaching = allBindingsReaching(subject, resource.nodeId);
  if (reaching.length === 0) {
    return deny(`The person has no role at ${node.name} or above it.`, `Give them a role at ${node.name}.`);
  }
  const live = reaching.filter((b) => isLive(b, now));
  if (live.length === 0) {
    const b = reaching[0];
    if (b.startsAt > now) return deny(`${at(b)} starts on ${new Date(b.startsAt).toISOString().slice(0, 10)}.`, `Wait until then, or move the start date of their role at ${b.nodeName}.`);
    return deny(`${at(b)} expired on ${new Date(b.expiresAt).toISOString().slice(0, 10)}.`, `Extend or renew their role at ${b.nodeName}.`);
  }

  // Closest miss: a binding that holds the permission but whose scope or conditions don't reach.
  for (const b of live) {
    if (b.delegation) {
      if (!b.delegation.permissions.has(permission)) continue;
      // Listed but not held by the delegator now (issue 11): the delegate loses it with them.
      const theirs = explain(b.delegation.subject, permission, resource, { now });
      return deny(`${at(b)} covers ${permission}, but ${b.delegation.delegatorName} can't do it now: ${theirs.reason}`, theirs.fix);
    }
    const atNode = b.nodeId === resource.nodeId;
    for (const grant of b.grants.get(permission) ?? []) {
      if (grant.scope === SCOPE_NODE && !atNode) {
        return deny(`${at(b)} grants ${permission} only at ${b.nodeName} itself, not at ${node.name}.`, `Widen that grant to the whole subtree of ${b.nodeName}.`);
      }
      if (grant.scope === SCOPE_OWN && resource.ownerId !== subject.userId) {
        return deny(`${at(b)} grants ${permission} only on their own records; this one belongs to someone else.`, "Ask the owner, or grant it on all records.");
      }
      if (grant.scope === SCOPE_ASSIGNED && resource.ownerId !== subject.userId && !resource.assigneeIds?.includes(subject.userId)) {
        return deny(`${at(b)} grants ${permission} only on assigned or shared records; this one is not assigned or shared to them.`, "Share the record with them (assign them to it).");
      }
      if (!conditionsHold(grant, b, resource, now)) {
        return deny(`${at(b)} grants ${permission} only ${describeConditions(grant, b, now)}.`, "Ask someone whose role has no such limit.");
      }
    }
  }
  // Nothing reaches: name what the nearest role does grant nearby (same resource, else same group).
  const b = live.find((x) => !x.delegation) ?? live[0];
  const wanted = resourceOf(permission);
  const held = [...b.grants.keys()];
  const near = held.filter((p) => resourceOf(p) === wanted);
  const related = near.length ? near : held.filter((p) => CATALOGUE[resourceOf(p)].group === CATALOGUE[wanted].group);
  const reason = related.length
    ? `${at(b)} grants ${related.join(", ")}, not ${permission}.`
    : `${at(b)} grants no access to ${CATALOGUE[wanted].label.toLowerCase()} (needs ${permission}).`;
  return deny(reason, `Give them a role at ${b.nodeName} that includes ${permission}, or a custom role based on ${b.roleName} that adds it.`);
}

const DAY_SHORT = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "Mon–Fri 08:00–18:00", "Mon, Wed 09:00–12:00", "every day 07:00–19:00": one wording for explain, the editor and the matrix. */
export function describeWindow(window: { days: Iterable<number>; start: string; end: string }): string {
  const days = [...new Set(window.days)].sort((a, b) => a - b);
  const contiguous = days.every((d, i) => i === 0 || d === days[i - 1] + 1);
  const dayText = days.length === 7 ? "every day" : contiguous && days.length > 2 ? `${DAY_SHORT[days[0]]}–${DAY_SHORT[days[days.length - 1]]}` : days.map((d) => DAY_SHORT[d]).join(", ");
  return `${dayText} ${window.start}–${window.end}`;
}

/** Why a conditioned grant doesn't apply now, with the place's time zone and its local time for a window. */
function describeConditions(grant: CompiledGrant, binding: CompiledBinding, now: number): string {
  const parts: string[] = [];
  if (grant.maxAmount !== undefined) parts.push(`for amounts under $${grant.maxAmount}`);
  if (grant.window) {
    const local = localTime(binding.timeZone, now);
    parts.push(`${describeWindow(grant.window)} ${binding.timeZone}; now ${DAY_SHORT[local.day] ?? ""} ${local.hhmm}`);
  }
  if (Number.isFinite(grant.validFrom)) parts.push(`from ${new Date(grant.validFrom).toISOString()}`);
  if (Number.isFinite(grant.validUntil)) parts.push(`until ${new Date(grant.validUntil).toISOString()}`);
  return parts.join(" and ");
}
