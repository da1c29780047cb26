import type { Prisma } from "../db/generated/client";
import { SEPARATION_OF_DUTIES, resourceOf, type Permission, type Resource } from "./catalogue";
import { timeConditionsHold, type DecisionContext, type ResourceRef } from "./decide";
import { SCOPE_ASSIGNED, SCOPE_NODE, SCOPE_OWN, SCOPE_SUBTREE, isLive, type Subject } from "./subject";
import { subtreeIds } from "./tree";

/**
 * List filters in SQL: for each model, how its rows map to a ResourceRef (for decide()) and to
 * Prisma `where` clauses (for where()). Both come from the same descriptor so they can't drift;
 * a property test checks that where() selects exactly the rows decide() allows.
 */
interface ModelFilter<W, R> {
  resource: Resource;
  /** Column naming the tenant root, when the model has one (a tenant-wide grant becomes one equality). */
  tenant?: (rootId: string) => W;
  node: (nodeIds: string[]) => W;
  own: (userId: string) => W;
  assigned: (userId: string) => W;
  amount?: (max: number) => W;
  /** Records about these patients (a grant limited to one patient, issue 11). */
  patient?: (patientIds: string[]) => W;
  excludeUser?: (field: string, userId: string) => W | undefined;
  toResource: (row: R) => ResourceRef;
}

const assignedPatient = (userId: string): Prisma.PatientWhereInput => ({
  OR: [{ primaryProviderId: userId }, { assignments: { some: { userId } } }],
});

export type PatientRow = { id?: string; nodeId: string; primaryProviderId: string | null; assignments?: { userId: string }[] };
export type NoteRow = { nodeId: string; authorId: string; patientId?: string; patient?: PatientRow };
export type AppointmentRow = { nodeId: string; providerId: string; patientId?: string; patient?: PatientRow };

const patientAssignees = (p?: PatientRow) => [
  ...(p?.primaryProviderId ? [p.primaryProviderId] : []),
  ...(p?.assignments?.map((a) => a.userId) ?? []),
];

export type ShiftRow = { profileId: string; assigneeId: string | null };
export type CareEventRow = { profileId: string; authorId: string; sensitive: boolean };
export type AvailabilityRow = { profileId: string; userId: string };
export type BillingRow = { nodeId: string; createdById: string | null };
export type PaymentRow = { nodeId: string; processedById: string | null };
export type RefundRow = { nodeId: string; requestedById: string; approvedById: string | null; amountCents: number };

/**
 * Care-team records live at their care profile. A shift's person is its assignee (an open shift has
 * none, so "own"/"assigned" never reach it); a log entry's is its author (care_sensitive reads the
 * same entry); an availability slot's is the person available.
 */
const careEvent = (resource: "care_events" | "care_sensitive") =>
  ({
    resource,
    node: (ids) => ({ profileId: { in: ids } }),
    own: (userId) => ({ authorId: userId }),
    assigned: (userId) => ({ authorId: userId }),
    toResource: (e) => ({ nodeId: e.profileId, ownerId: e.authorId }),
  }) satisfies ModelFilter<Prisma.CareEventWhereInput, CareEventRow>;

const callFilter = (resource: "calls" | "ai_transcriptions") =>
  ({
    resource,
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ assigneeId: userId }),
    assigned: (userId) => ({ assigneeId: userId }),
    toResource: (c) => ({ nodeId: c.nodeId, ownerId: c.assigneeId }),
  }) satisfies ModelFilter<Prisma.CallWhereInput, { nodeId: string; assigneeId: string | null }>;

export const MODEL_FILTERS = {
  patient: {
    resource: "patients",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ primaryProviderId: userId }),
    assigned: assignedPatient,
    patient: (ids) => ({ id: { in: ids } }),
    toResource: (p) => ({ nodeId: p.nodeId, ownerId: p.primaryProviderId, assigneeIds: p.assignments?.map((a) => a.userId) ?? [], patientId: p.id }),
  } satisfies ModelFilter<Prisma.PatientWhereInput, PatientRow>,
  clinicalNote: {
    resource: "clinical_notes",
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ authorId: userId }),
    assigned: (userId) => ({ OR: [{ authorId: userId }, { patient: assignedPatient(userId) }] }),
    patient: (ids) => ({ patientId: { in: ids } }),
    toResource: (n) => ({ nodeId: n.nodeId, ownerId: n.authorId, assigneeIds: patientAssignees(n.patient), patientId: n.patientId ?? n.patient?.id }),
  } satisfies ModelFilter<Prisma.ClinicalNoteWhereInput, NoteRow>,
  appointment: {
    resource: "appointments",
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ providerId: userId }),
    assigned: (userId) => ({ OR: [{ providerId: userId }, { patient: assignedPatient(userId) }] }),
    patient: (ids) => ({ patientId: { in: ids } }),
    toResource: (a) => ({ nodeId: a.nodeId, ownerId: a.providerId, assigneeIds: patientAssignees(a.patient), patientId: a.patientId ?? a.patient?.id }),
  } satisfies ModelFilter<Prisma.AppointmentWhereInput, AppointmentRow>,
  // Provider performance (issue 10, lib/schedule/performance.ts): an appointment counts in its
  // provider's row, so "own" (a Provider's grant) reaches their own appointments only, never those
  // of another provider with a patient shared with them.
  providerPerformance: {
    resource: "provider_performance",
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ providerId: userId }),
    assigned: (userId) => ({ providerId: userId }),
    toResource: (a) => ({ nodeId: a.nodeId, ownerId: a.providerId }),
  } satisfies ModelFilter<Prisma.AppointmentWhereInput, { nodeId: string; providerId: string }>,
  careShift: {
    resource: "care_schedule",
    node: (ids) => ({ profileId: { in: ids } }),
    own: (userId) => ({ assigneeId: userId }),
    assigned: (userId) => ({ assigneeId: userId }),
    toResource: (s) => ({ nodeId: s.profileId, ownerId: s.assigneeId }),
  } satisfies ModelFilter<Prisma.CareShiftWhereInput, ShiftRow>,
  careEvent: careEvent("care_events"),
  careEventSensitive: careEvent("care_sensitive"),
  careAvailability: {
    resource: "availability",
    node: (ids) => ({ profileId: { in: ids } }),
    own: (userId) => ({ userId }),
    assigned: (userId) => ({ userId }),
    toResource: (a) => ({ nodeId: a.profileId, ownerId: a.userId }),
  } satisfies ModelFilter<Prisma.CareAvailabilityWhereInput, AvailabilityRow>,
  // Billing (issue 10, lib/billing): rows live at a location; their person is whoever created them.
  // A refund's amount (dollars) feeds "approve under $200"; its requester/approver feed separation of duties.
  billingCharge: {
    resource: "charges",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ createdById: userId }),
    assigned: (userId) => ({ createdById: userId }),
    toResource: (c) => ({ nodeId: c.nodeId, ownerId: c.createdById }),
  } satisfies ModelFilter<Prisma.BillingChargeWhereInput, BillingRow>,
  billingInvoice: {
    resource: "invoices",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ createdById: userId }),
    assigned: (userId) => ({ createdById: userId }),
    toResource: (c) => ({ nodeId: c.nodeId, ownerId: c.createdById }),
  } satisfies ModelFilter<Prisma.BillingInvoiceWhereInput, BillingRow>,
  billingPayment: {
    resource: "payments",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ processedById: userId }),
    assigned: (userId) => ({ processedById: userId }),
    toResource: (p) => ({ nodeId: p.nodeId, ownerId: p.processedById }),
  } satisfies ModelFilter<Prisma.BillingPaymentWhereInput, PaymentRow>,
  billingRefund: {
    resource: "refunds",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ requestedById: userId }),
    assigned: (userId) => ({ requestedById: userId }),
    amount: (max) => ({ amountCents: { lt: Math.round(max * 100) } }),
    excludeUser: (field, userId) =>
      field === "requestedById" ? { requestedById: { not: userId } } : field === "approvedById" ? { OR: [{ approvedById: null }, { approvedById: { not: userId } }] } : undefined,
    toResource: (r) => ({ nodeId: r.nodeId, ownerId: r.requestedById, amount: r.amountCents / 100, requestedById: r.requestedById, approvedById: r.approvedById }),
  } satisfies ModelFilter<Prisma.BillingRefundWhereInput, RefundRow>,
  // Inventory (issue 10, lib/inventory): stock rows and purchase orders live at a location.
  inventoryStock: {
    resource: "stock",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: () => ({ id: { in: [] } }),
    assigned: () => ({ id: { in: [] } }),
    toResource: (r) => ({ nodeId: r.nodeId }),
  } satisfies ModelFilter<Prisma.InventoryStockWhereInput, { nodeId: string }>,
  purchaseOrder: {
    resource: "purchase_orders",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: (userId) => ({ requestedById: userId }),
    assigned: (userId) => ({ requestedById: userId }),
    excludeUser: (field, userId) => (field === "requestedById" ? { requestedById: { not: userId } } : undefined),
    toResource: (o) => ({ nodeId: o.nodeId, ownerId: o.requestedById, requestedById: o.requestedById }),
  } satisfies ModelFilter<Prisma.PurchaseOrderWhereInput, { nodeId: string; requestedById: string }>,
  // Calls (issue 10, lib/calls): a call's person is its assignee (the AI Assistant Handler's task);
  // its transcription (ai_transcriptions) maps the same way.
  call: callFilter("calls"),
  callTranscription: callFilter("ai_transcriptions"),
  // Access reviews (issue 9, lib/access-reviews): a line lives at the place of the binding under review.
  accessReviewLine: {
    resource: "access_reviews",
    tenant: (tenantId) => ({ tenantId }),
    node: (ids) => ({ nodeId: { in: ids } }),
    own: () => ({ id: { in: [] } }),
    assigned: () => ({ id: { in: [] } }),
    toResource: (l) => ({ nodeId: l.nodeId }),
  } satisfies ModelFilter<Prisma.AccessReviewLineWhereInput, { nodeId: string }>,
};

export type FilterableModel = keyof typeof MODEL_FILTERS;
type WhereOf<M extends FilterableModel> = (typeof MODEL_FILTERS)[M] extends ModelFilter<infer W, unknown> ? W : never;

/**
 * The Prisma include that toResource() needs, so callers load exactly what decide() reads. A `select`
 * must also name the row's `id` (patients) or `patientId` (notes, appointments): a grant limited to
 * one patient (emergency access) reaches a row only when it knows the patient.
 */
export const RESOURCE_INCLUDE = {
  patient: { assignments: { select: { userId: true } } },
  clinicalNote: { patient: { select: { nodeId: true, primaryProviderId: true, assignments: { select: { userId: true } } } } },
  appointment: { patient: { select: { nodeId: true, primaryProviderId: true, assignments: { select: { userId: true } } } } },
} as const;


/**
 * A Prisma `where` selecting exactly the rows of `model` on which the subject holds `permission`,
 * so lists are filtered, counted and paginated in SQL. Deny by default: no grant → no rows.
 */
export function where<M extends FilterableModel>(subject: Subject, permission: Permission, model: M, context?: DecisionContext): WhereOf<M> {
  return whereWithReach(subject, permission, model, context).where;
}

/**
 * Where where()'s rows can be: the tenant roots it selects by a tenant equality, and the nodes named
 * by every other clause (a superset of the nodes of the rows it selects). A list narrows its place to
 * these (lib/patients visiblePatientsWhere) without a second copy of the policy.
 */
export interface WhereReach {
  tenants: ReadonlySet<string>;
  nodes: ReadonlySet<string>;
}

/** where() and its reach, built in one pass over the same bindings (so they can't disagree). */
export function whereWithReach<M extends FilterableModel>(subject: Subject, permission: Permission, model: M, context?: DecisionContext): { where: WhereOf<M>; reach: WhereReach } {
  const filter = MODEL_FILTERS[model] as ModelFilter<Record<string, unknown>, unknown>;
  if (resourceOf(permission) !== filter.resource) {
    throw new Error(`where(): ${permission} does not apply to ${model} (${filter.resource})`);
  }
  const now = context?.now ?? Date.now();
  const wholeSubtrees = new Set<string>();
  const clauses: Record<string, unknown>[] = [];
  const tenants = new Set<string>();
  const nodes = new Set<string>();
  const reached = (ids: string[]) => {
    for (const id of ids) nodes.add(id);
    return ids;
  };

  for (const binding of subject.bindings) {
    if (!isLive(binding, now)) continue;
    const tree = subject.trees.find((t) => t.rootId === binding.rootId)!;
    if (binding.delegation) {
      // Delegated (issue 11): the rows the delegator may read now, inside the delegation's place.
      if (binding.delegation.permissions.has(permission)) {
        clauses.push({ AND: [filter.node(reached(subtreeIds(tree, binding.nodeId))), where(binding.delegation.subject, permission, model, { now })] });
      }
      continue;
    }
    const grants = binding.grants.get(permission);
    if (!grants) continue;
    for (const grant of grants) {
      if (!timeConditionsHold(grant, binding, now)) continue;
      const parts: Record<string, unknown>[] = [];
      if (grant.maxAmount !== undefined) {
        if (!filter.amount) continue; // the model has no amount: the condition can never hold
        parts.push(filter.amount(grant.maxAmount));
      }
      if (grant.patientIds !== undefined) {
        if (!filter.patient) continue; // not a record about a patient: the condition can never hold
        parts.push(filter.patient([...grant.patientIds]));
      }
      if (grant.scope === SCOPE_SUBTREE && parts.length === 0) {
        wholeSubtrees.add(binding.nodeId);
        continue;
      }
      const nodeIds = grant.scope === SCOPE_NODE ? [binding.nodeId] : subtreeIds(tree, binding.nodeId);
      parts.unshift(filter.node(reached(nodeIds)));
      if (grant.scope === SCOPE_OWN) parts.push(filter.own(subject.userId));
      if (grant.scope === SCOPE_ASSIGNED) parts.push(filter.assigned(subject.userId));
      clauses.push(parts.length === 1 ? parts[0] : { AND: parts });
    }
  }

  // Whole subtrees collapse into one clause per tenant: tenant-wide → one equality, else one IN list.
  const inLists: string[] = [];
  for (const nodeId of wholeSubtrees) {
    const tree = subject.trees.find((t) => t.nodes.has(nodeId))!;
    const covered = tree.nodes.get(nodeId)!.ancestors.slice(1).some((a) => wholeSubtrees.has(a));
    if (covered) continue;
    if (nodeId === tree.rootId && filter.tenant) {
      clauses.unshift(filter.tenant(nodeId));
      tenants.add(nodeId);
    } else inLists.push(...reached(subtreeIds(tree, nodeId)));
  }
  if (inLists.length > 0) clauses.unshift(filter.node(inLists));

  const reach = { tenants, nodes };
  if (clauses.length === 0) return { where: filter.node([]) as WhereOf<M>, reach }; // deny by default: no rows
  const readable = clauses.length === 1 ? clauses[0] : { OR: clauses };
  const sod = SEPARATION_OF_DUTIES[permission];
  const exclusion = sod && filter.excludeUser?.(sod.field, subject.userId);
  return { where: (exclusion ? { AND: [readable, exclusion] } : readable) as WhereOf<M>, reach };
}

/** The ResourceRef of a row of a filterable model (rows loaded with RESOURCE_INCLUDE). */
export function resourceOfRow<M extends FilterableModel>(model: M, row: Parameters<(typeof MODEL_FILTERS)[M]["toResource"]>[0]): ResourceRef {
  return (MODEL_FILTERS[model].toResource as (r: unknown) => ResourceRef)(row);
}

