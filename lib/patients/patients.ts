import { z } from "zod";
import { AppError, forbidden, notFound } from "../api/errors";
import { RESOURCE_INCLUDE, decide, lookupNode, mask, resourceOfRow, subtreeIds, where, whereWithReach, type ResourceRef, type Subject } from "../authz";
import type { DecisionContext } from "../authz/decide";
import { sharedLoader } from "../authz/load";
import { recordAudit } from "../audit/audit";
import { emergencyVia } from "../access/emergency";
import { csv } from "../care/common";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { COUNT_CAP, capCount, countLabel, type CappedCount } from "../db/capped-count";
import type { Actor } from "../members/admin";

/**
 * The clinic's patients (issue 10). Every list is filtered in SQL by where() (a record the caller
 * may not see is never loaded), every record passes through mask() before it leaves this module,
 * and every read, list and export writes its audit row in the same transaction.
 */

/** The fields a patient record can carry, in display order; mask() decides which reach the caller. */
export const PATIENT_FIELDS = ["firstName", "lastName", "dateOfBirth", "phone", "email", "address", "ssn", "insuranceMemberId"] as const;
export type PatientField = (typeof PATIENT_FIELDS)[number];
export const FIELD_LABELS: Record<PatientField, string> = {
  firstName: "First name",
  lastName: "Last name",
  dateOfBirth: "Date of birth",
  phone: "Phone",
  email: "Email",
  address: "Address",
  ssn: "SSN",
  insuranceMemberId: "Insurance member ID",
};

export interface PatientView {
  id: string;
  nodeId: string;
  locationName: string;
  primaryProvider: { id: string; name: string } | null;
  sharedWith: { id: string; name: string }[];
  /** Only the fields the caller may see; the others are absent, not empty. */
  fields: Partial<Record<PatientField, string | null>>;
  hidden: PatientField[];
  readOnly: PatientField[];
}

const SELECT = {
  id: true,
  nodeId: true,
  tenantId: true,
  firstName: true,
  lastName: true,
  dateOfBirth: true,
  phone: true,
  email: true,
  address: true,
  ssn: true,
  insuranceMemberId: true,
  primaryProviderId: true,
  node: { select: { name: true } },
  primaryProvider: { select: { id: true, name: true } },
  assignments: { select: { userId: true, user: { select: { name: true } } }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.PatientSelect;
type Row = Prisma.PatientGetPayload<{ select: typeof SELECT }>;

const refOf = (row: { id?: string; nodeId: string; primaryProviderId: string | null; assignments: { userId: string }[] }): ResourceRef => resourceOfRow("patient", row);

/** The record as the subject may see it (mask() applied). */
export function toView(subject: Subject, row: Row): PatientView {
  const raw: Record<PatientField, string | null> = {
    firstName: row.firstName,
    lastName: row.lastName,
    dateOfBirth: row.dateOfBirth ? row.dateOfBirth.toISOString().slice(0, 10) : null,
    phone: row.phone,
    email: row.email,
    address: row.address,
    ssn: row.ssn,
    insuranceMemberId: row.insuranceMemberId,
  };
  const masked = mask(subject, "patients", refOf(row), raw);
  // Who the patient's providers are is clinical context: only with patients.read (not contact-only roles).
  const clinical = decide(subject, "patients.read", refOf(row));
  return {
    id: row.id,
    nodeId: row.nodeId,
    locationName: row.node.name,
    primaryProvider: clinical ? row.primaryProvider : null,
    sharedWith: clinical ? row.assignments.map((a) => ({ id: a.userId, name: a.user.name })) : [],
    fields: masked.record,
    hidden: masked.hidden as PatientField[],
    readOnly: masked.readOnly as PatientField[],
  };
}

/** A place of the caller's tree (404 otherwise). */
function checkPlace(subject: Subject, nodeId: string): void {
  const node = lookupNode(subject, nodeId);
  const tree = node && subject.trees.find((t) => t.rootId === node.rootId);
  if (!node || !tree || node.archived || node.kind === "CARE_PROFILE") throw notFound("That place");
}

// ------------------------------------------------------------------------------------------------
// List (keyset-paginated on last name, id) and search
// ------------------------------------------------------------------------------------------------
export const PAGE_SIZE = 25;
/** The list counts at most this many rows and then says "10,000+" (a region or an enterprise holds up to a million). */
export { COUNT_CAP };

/** The capped count of a patient filter: COUNT over a LIMIT COUNT_CAP + 1 subquery, so a big place stops early. */
export async function cappedPatientCount(tx: Pick<Tx, "patient">, filter: Prisma.PatientWhereInput): Promise<CappedCount> {
  // Ordered by node: the index on (node_id, last_name, id, tenant_id) yields that order for node_id IN (…)
  // without a sort, so the count is an index-only scan that stops at COUNT_CAP + 1 rows.
  return capCount(await tx.patient.count({ where: filter, orderBy: { nodeId: "asc" }, take: COUNT_CAP + 1 }));
}

/** "1 patient", "340 patients", "10,000+ patients". */
export function patientCountLabel(c: CappedCount): string {
  return countLabel(c, "patient", "patients");
}

export const listSchema = z.object({
  nodeId: z.uuid({ error: "That place was not found." }),
  q: z.string().trim().max(100, "Search for at most 100 characters.").optional(),
  /** The last row of the previous page, as returned in `next`. */
  after: z
    .string()
    .max(400)
    .regex(/^[A-Za-z0-9_-]+$/, "That page link is broken: start from the first page.")
    .optional(),
  take: z.coerce.number().int().min(1).max(100).optional(),
});
export type ListInput = z.output<typeof listSchema>;

const encodeCursor = (row: { lastName: string; id: string }) => Buffer.from(JSON.stringify([row.lastName, row.id])).toString("base64url");
function decodeCursor(after: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(after, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && z.uuid().safeParse(v[1]).success) return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new AppError("invalid", "Some fields need attention.", { after: ["That page link is broken: start from the first page."] });
}

/**
 * A reach of at most this share of its tenant's nodes is "small": the page filters by those nodes
 * alone (one index range per node, then a sort of their few rows). A larger one adds the tenant, so
 * PostgreSQL can walk the tenant's index in page order instead of sorting a region (bench section 5).
 */
export const SMALL_REACH_SHARE = 1 / 200;

/**
 * The SQL filter of the patients the subject may see at a place (`placeId` and the nodes below it;
 * contact is the least a role can see). A place outside the subject's trees shows no one.
 */
export function visiblePatientsWhere(
  subject: Subject,
  placeId: string,
  q?: string,
  opts: { forCount?: boolean; ctx?: DecisionContext; smallReachShare?: number } = {},
): Prisma.PatientWhereInput {
  // where() is the policy; the place narrows it. Its reach (the tenants it selects whole, the nodes
  // of its other clauses) comes from the same pass, so the place filter is chosen for the plan only.
  const { where: readable, reach } = whereWithReach(subject, "patients.read_contact", "patient", opts.ctx);
  const node = lookupNode(subject, placeId);
  const tree = node && subject.trees.find((t) => t.rootId === node.rootId);
  if (!tree) return { nodeId: { in: [] } };
  const rootId = tree.rootId;
  const atRoot = placeId === rootId;
  // A node is in the place when the place is among its ancestors (no list of the place's, say,
  // 3,000 nodes unless the filter names them).
  const inPlace = (id: string) => Boolean(tree.nodes.get(id)?.ancestors.includes(placeId));
  let place: Prisma.PatientWhereInput[];
  const reachHere = reach.tenants.has(rootId) ? undefined : [...reach.nodes].filter(inPlace);
  if (reachHere && reachHere.length <= (opts.smallReachShare ?? SMALL_REACH_SHARE) * tree.nodes.size) {
    // A small reach (a front desk, a provider, a few practices): the place's nodes that where() names.
    // When those are every node it names, the place adds nothing and where() alone is the query
    // (the same SQL as a hand-written node_id IN (…)); no tenant, or PostgreSQL may walk the tenant's
    // index in page order past every other patient of the enterprise.
    const whole = reach.tenants.size === 0 && reachHere.length === reach.nodes.size;
    place = whole ? [] : [{ nodeId: { in: reachHere } }];
  } else if (atRoot && reach.tenants.has(rootId) && reach.tenants.size === 1 && reach.nodes.size === 0) {
    // where() is this tenant alone (an owner at the root): the place adds nothing.
    place = [];
  } else {
    // The place's tenant too: redundant with the nodes (a patient's tenant is its node's root) but it
    // lets PostgreSQL walk patients_tenant_id_last_name_id_node_id_idx in page order and stop after a
    // page, instead of sorting every patient of a region (bench section 5).
    // At the root the place is the whole tenant: tenant_id alone (a list of every node would make the
    // planner underestimate the rows and sort them all).
    // The count leaves the tenant out below the root: with it the planner underestimates the rows
    // (node and tenant are correlated) and sorts them instead of the index-only scan that stops early.
    place = atRoot ? [{ tenantId: rootId }] : [{ nodeId: { in: subtreeIds(tree, placeId) } }, ...(opts.forCount ? [] : [{ tenantId: rootId }])];
  }
  const and: Prisma.PatientWhereInput[] = [readable, ...place];
  for (const term of (q ?? "").split(/\s+/).filter(Boolean).slice(0, 4)) {
    and.push({ OR: [{ firstName: { contains: term, mode: "insensitive" } }, { lastName: { contains: term, mode: "insensitive" } }] });
  }
  return and.length === 1 ? and[0] : { AND: and };
}

export async function listPatients(tx: Tx, actor: Actor, input: ListInput): Promise<{ rows: PatientView[]; total: number; totalCapped: boolean; next: string | null }> {
  checkPlace(actor.subject, input.nodeId);
  const base = visiblePatientsWhere(actor.subject, input.nodeId, input.q);
  const countable = visiblePatientsWhere(actor.subject, input.nodeId, input.q, { forCount: true });
  const take = input.take ?? PAGE_SIZE;
  let page: Prisma.PatientWhereInput = base;
  if (input.after) {
    const [lastName, id] = decodeCursor(input.after);
    page = { AND: [base, { OR: [{ lastName: { gt: lastName } }, { lastName, id: { gt: id } }] }] };
  }
  const [count, found] = await Promise.all([
    cappedPatientCount(tx, countable),
    tx.patient.findMany({ where: page, orderBy: [{ lastName: "asc" }, { id: "asc" }], take: take + 1, select: SELECT }),
  ]);
  const rows = found.slice(0, take);
  const root = lookupNode(actor.subject, input.nodeId)!.rootId;
  if (rows.length > 0) {
    await recordAudit(tx, { tenantId: root, actorId: actor.userId, action: "patient.list", targetType: "org_node", targetId: input.nodeId, details: { ids: rows.map((r) => r.id), q: input.q ?? null }, ip: actor.ip });
  }
  return { rows: rows.map((r) => toView(actor.subject, r)), ...count, next: found.length > take ? encodeCursor(rows[rows.length - 1]) : null };
}

// ------------------------------------------------------------------------------------------------
// One patient
// ------------------------------------------------------------------------------------------------

/** The patient's ResourceRef when the subject may at least see their contact details; else null (404). */
export async function visiblePatientRef(db: Db | Tx, subject: Subject, unverifiedId: string): Promise<ResourceRef | null> {
  if (!z.uuid().safeParse(unverifiedId).success) return null;
  const row = await db.patient.findUnique({ where: { id: unverifiedId }, select: { id: true, nodeId: true, primaryProviderId: true, ...RESOURCE_INCLUDE.patient } });
  if (!row) return null;
  const ref = refOf(row);
  return decide(subject, "patients.read_contact", ref) ? ref : null;
}

async function loadVisible(tx: Db | Tx, subject: Subject, id: string): Promise<Row> {
  const row = z.uuid().safeParse(id).success ? await tx.patient.findUnique({ where: { id }, select: SELECT }) : null;
  if (!row || !decide(subject, "patients.read_contact", refOf(row))) throw notFound("That patient");
  return row;
}

export async function viewPatient(tx: Tx, actor: Actor, id: string): Promise<PatientView> {
  const row = await loadVisible(tx, actor.subject, id);
  const view = toView(actor.subject, row);
  // Read through break-glass (issue 11): the audit row says so, with the emergency's reason.
  const via = await emergencyVia(tx, actor.subject, "patients.read_contact", refOf(row));
  await recordAudit(tx, { tenantId: row.tenantId, actorId: actor.userId, action: "patient.read", targetType: "patient", targetId: row.id, details: { fields: Object.keys(view.fields), ...(via ?? {}) }, ip: actor.ip });
  return view;
}

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

export const patientFieldsSchema = z
  .object({
    firstName: z.string({ error: "Enter the first name." }).trim().min(1, "Enter the first name.").max(100, "Keep the name under 100 characters."),
    lastName: z.string({ error: "Enter the last name." }).trim().min(1, "Enter the last name.").max(100, "Keep the name under 100 characters."),
    dateOfBirth: z
      .string()
      .trim()
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, "Give the date of birth as YYYY-MM-DD.")
      .refine((v) => v === "" || (!Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v) && Date.parse(v) <= Date.now()), "Give a real date of birth in the past.")
      .transform((v) => (v === "" ? null : v))
      .nullable()
      .optional(),
    phone: optionalText(40, "Keep the phone number under 40 characters.").refine((v) => !v || /^[+0-9 ()./-]{3,40}$/.test(v), "Use digits, spaces and + ( ) - only."),
    email: optionalText(200, "Keep the email under 200 characters.").refine((v) => !v || z.email().safeParse(v).success, "Enter a valid email address."),
    address: optionalText(300, "Keep the address under 300 characters."),
    ssn: optionalText(11, "Give the SSN as 123-45-6789.").refine((v) => !v || /^\d{3}-\d{2}-\d{4}$/.test(v), "Give the SSN as 123-45-6789."),
    insuranceMemberId: optionalText(40, "Keep the insurance member ID under 40 characters."),
  })
  .strict();

export const createSchema = patientFieldsSchema.extend({ nodeId: z.uuid({ error: "Choose a location." }), primaryProviderId: z.uuid().nullable().optional() }).strict();
export const editSchema = patientFieldsSchema.partial().extend({ patientId: z.uuid({ error: "That patient was not found." }) }).strict();

type FieldValues = Partial<Record<PatientField, string | null | undefined>>;
const toData = (v: FieldValues) => {
  const data: Record<string, unknown> = {};
  for (const f of PATIENT_FIELDS) if (v[f] !== undefined) data[f] = f === "dateOfBirth" && v[f] ? new Date(`${v[f]}T00:00:00Z`) : v[f];
  return data;
};

/** Fields the subject writes must be ones they may see and change on that record (403 otherwise, naming them). */
function assertWritable(subject: Subject, ref: ResourceRef, values: FieldValues) {
  const probe = Object.fromEntries(PATIENT_FIELDS.map((f) => [f, ""]));
  const { hidden, readOnly } = mask(subject, "patients", ref, probe);
  const refused = PATIENT_FIELDS.filter((f) => values[f] !== undefined && values[f] !== null && (hidden.includes(f) || readOnly.includes(f)));
  const cleared = PATIENT_FIELDS.filter((f) => values[f] === null && (hidden.includes(f) || readOnly.includes(f)));
  const bad = [...refused, ...cleared];
  if (bad.length) throw new AppError("forbidden", `Your role can't change ${bad.map((f) => FIELD_LABELS[f].toLowerCase()).join(", ")} for this patient.`);
}

/** A person the patient can be given to (primary or shared): someone who would then see them here. */
async function assertCanBeProvider(db: Db | Tx, nodeId: string, userId: string, field: string) {
  const subject = await sharedLoader(db as Db).load(userId);
  if (!decide(subject, "patients.read", { nodeId, ownerId: userId, assigneeIds: [userId] })) {
    throw new AppError("invalid", "Some fields need attention.", { [field]: ["That person isn't a provider who can see patients at this location."] });
  }
}

export async function createPatient(tx: Tx, actor: Actor, input: z.output<typeof createSchema>): Promise<{ id: string }> {
  const node = lookupNode(actor.subject, input.nodeId);
  if (!node || node.kind === "CARE_PROFILE" || node.archived) throw notFound("That place");
  const ref: ResourceRef = { nodeId: node.id, ownerId: input.primaryProviderId ?? null };
  if (!decide(actor.subject, "patients.create", ref)) throw forbidden("Your role can't add patients here.");
  assertWritable(actor.subject, { ...ref, assigneeIds: [actor.userId] }, { ...input, firstName: undefined, lastName: undefined });
  if (input.primaryProviderId) await assertCanBeProvider(tx, node.id, input.primaryProviderId, "primaryProviderId");
  const patient = await tx.patient.create({
    data: { ...(toData(input) as { firstName: string; lastName: string }), tenantId: node.rootId, nodeId: node.id, primaryProviderId: input.primaryProviderId ?? null },
  });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "patient.created", targetType: "patient", targetId: patient.id, details: { nodeId: node.id }, ip: actor.ip });
  return { id: patient.id };
}

export async function updatePatient(tx: Tx, actor: Actor, input: z.output<typeof editSchema>): Promise<PatientView> {
  const row = await loadVisible(tx, actor.subject, input.patientId);
  const ref = refOf(row);
  if (!decide(actor.subject, "patients.edit", ref)) throw forbidden("Your role can't change this patient's details.");
  assertWritable(actor.subject, ref, input);
  const data = toData(input);
  const changed = Object.keys(data);
  if (changed.length === 0) throw new AppError("invalid", "Some fields need attention.", { _: ["Change at least one field."] });
  await tx.patient.update({ where: { id: row.id }, data });
  // Which fields changed, never their values (they may be sensitive).
  await recordAudit(tx, { tenantId: row.tenantId, actorId: actor.userId, action: "patient.updated", targetType: "patient", targetId: row.id, details: { fields: changed }, ip: actor.ip });
  return toView(actor.subject, await tx.patient.findUniqueOrThrow({ where: { id: row.id }, select: SELECT }));
}

export async function deletePatient(tx: Tx, actor: Actor, id: string): Promise<{ deleted: true }> {
  const row = await loadVisible(tx, actor.subject, id);
  if (!decide(actor.subject, "patients.delete", refOf(row))) throw forbidden("Your role can't delete patients.");
  await tx.patient.delete({ where: { id: row.id } });
  await recordAudit(tx, { tenantId: row.tenantId, actorId: actor.userId, action: "patient.deleted", targetType: "patient", targetId: row.id, details: {}, ip: actor.ip });
  return { deleted: true };
}

// ------------------------------------------------------------------------------------------------
// Sharing with a second provider ("share one patient" in the clinic guide)
// ------------------------------------------------------------------------------------------------
export const shareSchema = z.object({ patientId: z.uuid({ error: "That patient was not found." }), userId: z.uuid({ error: "Choose a provider." }) }).strict();

export async function sharePatient(tx: Tx, actor: Actor, input: z.output<typeof shareSchema>, share: boolean): Promise<PatientView> {
  const row = await loadVisible(tx, actor.subject, input.patientId);
  if (!decide(actor.subject, "patients.edit", refOf(row))) throw forbidden("Your role can't change who this patient is shared with.");
  if (share) {
    if (input.userId === row.primaryProviderId) throw new AppError("invalid", "Some fields need attention.", { userId: ["That provider is already the patient's primary provider."] });
    await assertCanBeProvider(tx, row.nodeId, input.userId, "userId");
    await tx.patientAssignment.upsert({ where: { patientId_userId: { patientId: row.id, userId: input.userId } }, create: { patientId: row.id, userId: input.userId }, update: {} });
  } else {
    await tx.patientAssignment.deleteMany({ where: { patientId: row.id, userId: input.userId } });
  }
  await recordAudit(tx, { tenantId: row.tenantId, actorId: actor.userId, action: share ? "patient.shared" : "patient.unshared", targetType: "patient", targetId: row.id, details: { userId: input.userId }, ip: actor.ip });
  return toView(actor.subject, await tx.patient.findUniqueOrThrow({ where: { id: row.id }, select: SELECT }));
}

/** Providers a patient could be shared with: members whose role at the patient's place lets them see assigned patients. */
export async function shareCandidates(db: Db | Tx, patient: PatientView): Promise<{ id: string; name: string }[]> {
  const node = await db.orgNode.findUniqueOrThrow({ where: { id: patient.nodeId }, select: { rootId: true } });
  const people = await db.user.findMany({
    where: { bindings: { some: { pending: false, node: { rootId: node.rootId } } }, suspensions: { none: { tenantId: node.rootId } } },
    select: { id: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: 200,
  });
  const out: { id: string; name: string }[] = [];
  for (const p of people) {
    if (p.id === patient.primaryProvider?.id || patient.sharedWith.some((s) => s.id === p.id)) continue;
    const s = await sharedLoader(db as Db).load(p.id);
    // A provider: sees the patients assigned to them, and writes clinical notes.
    if (decide(s, "patients.read", { nodeId: patient.nodeId, assigneeIds: [p.id] }) && decide(s, "clinical_notes.create", { nodeId: patient.nodeId, ownerId: p.id, assigneeIds: [p.id] })) out.push(p);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Export (CSV): the same rows and masks as the list, every visible row; audited with format and count
// ------------------------------------------------------------------------------------------------
export const exportSchema = z.object({ nodeId: z.uuid({ error: "That place was not found." }), q: z.string().trim().max(100).optional() });
export const EXPORT_LIMIT = 10_000;

export async function exportPatients(tx: Tx, actor: Actor, input: z.output<typeof exportSchema>): Promise<{ body: string; count: number }> {
  checkPlace(actor.subject, input.nodeId);
  const exportable: Prisma.PatientWhereInput = { AND: [visiblePatientsWhere(actor.subject, input.nodeId, input.q), where(actor.subject, "patients.export", "patient")] };
  const rows = await tx.patient.findMany({ where: exportable, orderBy: [{ lastName: "asc" }, { id: "asc" }], take: EXPORT_LIMIT, select: SELECT });
  const views = rows.map((r) => toView(actor.subject, r));
  // Columns: the fields visible on at least one exported row; a cell the caller may not see stays empty.
  const columns = PATIENT_FIELDS.filter((f) => views.some((v) => f in v.fields));
  const body = csv([["id", "location", ...columns.map((c) => FIELD_LABELS[c])], ...views.map((v) => [v.id, v.locationName, ...columns.map((c) => v.fields[c] ?? "")])]);
  const root = lookupNode(actor.subject, input.nodeId)!.rootId;
  await recordAudit(tx, { tenantId: root, actorId: actor.userId, action: "patient.export", targetType: "org_node", targetId: input.nodeId, details: { format: "csv", count: rows.length }, ip: actor.ip });
  return { body, count: rows.length };
}

