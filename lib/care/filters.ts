import { SEPARATION_OF_DUTIES, resourceOf, type Permission, type Resource } from "../authz/catalogue";
import { timeConditionsHold, type DecisionContext, type ResourceRef } from "../authz/decide";
import { SCOPE_ASSIGNED, SCOPE_NODE, SCOPE_OWN, SCOPE_SUBTREE, type Subject } from "../authz/subject";
import { subtreeIds } from "../authz/tree";
import type { Prisma } from "../db/generated/client";

/**
 * SQL filters for the care-team models, built the way lib/authz/where.ts builds them: each model
 * has one descriptor saying how a row maps to a ResourceRef (what decide() reads) and to Prisma
 * `where` clauses per scope (what the list queries use). care.integration.test.ts proves that the
 * lists select exactly the rows decide() allows.
 *
 * - care_schedule on a shift: the shift's person is its assignee (an open shift has none, so
 *   "assigned"/"own" scopes never reach it).
 * - care_events on a log entry: its person is the author.
 * - availability on a weekly slot: its person is the one who is available.
 * - care_sensitive on a log entry: the same mapping as care_events; a sensitive entry needs both.
 */
interface CareFilter<W, R> {
  resource: Resource;
  node: (nodeIds: string[]) => W;
  own: (userId: string) => W;
  assigned: (userId: string) => W;
  toResource: (row: R) => ResourceRef;
}

export type ShiftRow = { profileId: string; assigneeId: string | null };
export type EventRow = { profileId: string; authorId: string; sensitive: boolean };
export type AvailabilityRow = { profileId: string; userId: string };

const shiftFilter = {
  resource: "care_schedule",
  node: (ids) => ({ profileId: { in: ids } }),
  own: (userId) => ({ assigneeId: userId }),
  assigned: (userId) => ({ assigneeId: userId }),
  toResource: (s) => ({ nodeId: s.profileId, ownerId: s.assigneeId }),
} satisfies CareFilter<Prisma.CareShiftWhereInput, ShiftRow>;

const eventFilter = (resource: "care_events" | "care_sensitive") =>
  ({
    resource,
    node: (ids) => ({ profileId: { in: ids } }),
    own: (userId) => ({ authorId: userId }),
    assigned: (userId) => ({ authorId: userId }),
    toResource: (e) => ({ nodeId: e.profileId, ownerId: e.authorId }),
  }) satisfies CareFilter<Prisma.CareEventWhereInput, EventRow>;

const availabilityFilter = {
  resource: "availability",
  node: (ids) => ({ profileId: { in: ids } }),
  own: (userId) => ({ userId }),
  assigned: (userId) => ({ userId }),
  toResource: (a) => ({ nodeId: a.profileId, ownerId: a.userId }),
} satisfies CareFilter<Prisma.CareAvailabilityWhereInput, AvailabilityRow>;

export const CARE_FILTERS = {
  careShift: shiftFilter,
  careEvent: eventFilter("care_events"),
  careEventSensitive: eventFilter("care_sensitive"),
  careAvailability: availabilityFilter,
};
export type CareModel = keyof typeof CARE_FILTERS;
type WhereOf<M extends CareModel> = (typeof CARE_FILTERS)[M] extends CareFilter<infer W, unknown> ? W : never;
type RowOf<M extends CareModel> = Parameters<(typeof CARE_FILTERS)[M]["toResource"]>[0];

const MATCH_NOTHING = { profileId: { in: [] as string[] } };

/**
 * A Prisma `where` selecting exactly the rows of `model` on which the subject holds `permission`.
 * Deny by default: no grant → no rows. Same walk as lib/authz/where.ts: live bindings, their grants
 * for the permission, row-independent conditions evaluated now, then one clause per scope.
 */
export function careWhere<M extends CareModel>(subject: Subject, permission: Permission, model: M, context?: DecisionContext): WhereOf<M> {
  const filter = CARE_FILTERS[model] as CareFilter<Record<string, unknown>, unknown>;
  if (resourceOf(permission) !== filter.resource) throw new Error(`careWhere(): ${permission} does not apply to ${model} (${filter.resource})`);
  // No care record has an amount or separation-of-duties field: such grants can never hold on it.
  if (SEPARATION_OF_DUTIES[permission]) return MATCH_NOTHING as WhereOf<M>;
  const now = context?.now ?? Date.now();
  const whole = new Set<string>();
  const clauses: Record<string, unknown>[] = [];
  for (const binding of subject.bindings) {
    if (binding.expiresAt <= now) continue;
    const grants = binding.grants.get(permission);
    if (!grants) continue;
    const tree = subject.trees.find((t) => t.rootId === binding.rootId)!;
    for (const grant of grants) {
      if (!timeConditionsHold(grant, binding, now)) continue;
      if (grant.maxAmount !== undefined) continue;
      const nodeIds = grant.scope === SCOPE_NODE ? [binding.nodeId] : subtreeIds(tree, binding.nodeId);
      if (grant.scope === SCOPE_SUBTREE || grant.scope === SCOPE_NODE) {
        for (const id of nodeIds) whole.add(id);
        continue;
      }
      const who = grant.scope === SCOPE_OWN ? filter.own(subject.userId) : grant.scope === SCOPE_ASSIGNED ? filter.assigned(subject.userId) : null;
      if (who) clauses.push({ AND: [filter.node(nodeIds), who] });
    }
  }
  if (whole.size > 0) clauses.unshift(filter.node([...whole]));
  if (clauses.length === 0) return MATCH_NOTHING as WhereOf<M>;
  return (clauses.length === 1 ? clauses[0] : { OR: clauses }) as WhereOf<M>;
}

/** The ResourceRef decide() reads for a row of a care model. */
export function careResource<M extends CareModel>(model: M, row: RowOf<M>): ResourceRef {
  return (CARE_FILTERS[model].toResource as (r: unknown) => ResourceRef)(row);
}

/**
 * Log entries the subject may read: care_events.read on the entry, and for a sensitive entry also
 * care_sensitive.read. Someone without the latter never receives sensitive entries at all.
 */
export function readableEventsWhere(subject: Subject, context?: DecisionContext): Prisma.CareEventWhereInput {
  return {
    AND: [careWhere(subject, "care_events.read", "careEvent", context), { OR: [{ sensitive: false }, careWhere(subject, "care_sensitive.read", "careEventSensitive", context)] }],
  };
}
