import type { Permission } from "../authz/catalogue";
import type { DecisionContext, ResourceRef } from "../authz/decide";
import type { Subject } from "../authz/subject";
import { MODEL_FILTERS, resourceOfRow, where } from "../authz/where";
import type { Prisma } from "../db/generated/client";
/**
 * SQL filters for the care-team models. The descriptors live with the others in
 * lib/authz/where.ts (one policy, one where()); care.integration.test.ts proves that the lists
 * select exactly the rows decide() allows.
 *
 * - care_schedule on a shift: the shift's person is its assignee (an open shift has none, so
 *   "assigned"/"own" scopes never reach it).
 * - care_events on a log entry: its person is the author.
 * - availability on a weekly slot: its person is the one who is available.
 * - care_sensitive on a log entry: the same mapping as care_events; a sensitive entry needs both.
 */
export type { AvailabilityRow, CareEventRow as EventRow, ShiftRow } from "../authz/where";
export type CareModel = "careShift" | "careEvent" | "careEventSensitive" | "careAvailability";

/** A Prisma `where` selecting exactly the rows of a care model the subject holds `permission` on. */
export function careWhere<M extends CareModel>(subject: Subject, permission: Permission, model: M, context?: DecisionContext) {
  return where(subject, permission, model, context);
}

/** The ResourceRef decide() reads for a row of a care model. */
export function careResource<M extends CareModel>(model: M, row: Parameters<(typeof MODEL_FILTERS)[M]["toResource"]>[0]): ResourceRef {
  return resourceOfRow(model, row);
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
