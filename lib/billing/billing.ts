import { randomBytes } from "node:crypto";
import { z } from "zod";
import { decide, explain, lookupNode, subtreeIds, type Permission, type ResourceRef, type Subject } from "../authz";
import { AppError, forbidden, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { csv } from "../care/common";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { resourceOfRow, where } from "../authz/where";

/**
 * Billing (issue 10): charges, invoices, payments and refunds at a clinic's locations.
 * Lists are filtered in SQL by the policy's where() (plus the place the page is at); every write
 * checks decide() on the record it touches and is audited in the same transaction. Refund approval
 * is the policy's: the role's amount condition (Manager under $200) and separation of duties
 * (not the requester; the approver can't process) come from decide(), the reason from explain().
 */
export interface Actor {
  subject: Subject;
  userId: string;
  ip?: string | null;
}

export interface Place {
  id: string;
  name: string;
  kind: string;
  tenantId: string;
}

/** A clinic place the subject can see (enterprise, region, practice or location); null otherwise. */
export function billingPlace(subject: Subject, nodeId: string): Place | null {
  const node = lookupNode(subject, nodeId);
  if (!node || node.archived || node.kind === "CARE_PROFILE") return null;
  const tree = subject.trees.find((t) => t.nodes.has(nodeId))!;
  return { id: node.id, name: node.name, kind: node.kind, tenantId: tree.rootId };
}

const placeIds = (subject: Subject, place: Place) => subtreeIds(subject.trees.find((t) => t.rootId === place.tenantId)!, place.id);
const nodeName = (subject: Subject, nodeId: string) => lookupNode(subject, nodeId)?.name ?? "";

// ------------------------------------------------------------------------------------------------
// Input
// ------------------------------------------------------------------------------------------------
const dollars = (what: string) =>
  z.coerce
    .number({ error: `Give the ${what} in dollars, like 45.00.` })
    .positive(`The ${what} must be more than $0.`)
    .max(100_000, `The ${what} must be under $100,000.`)
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, { message: `Give the ${what} in dollars and cents, like 45.50.` })
    .transform((v) => Math.round(v * 100));

export const chargeSchema = z.object({
  nodeId: z.uuid(),
  patientId: z.uuid({ error: "Choose the patient." }),
  description: z.string({ error: "Describe the charge." }).trim().min(1, "Describe the charge, like “Cleaning”.").max(200, "Keep the description under 200 characters."),
  amount: dollars("amount"),
  serviceDate: z.iso.date({ error: "Give the date of service, like 2026-12-01." }),
});
export const invoiceSchema = z.object({ nodeId: z.uuid(), patientId: z.uuid({ error: "Choose the patient." }) });
export const paymentSchema = z.object({
  nodeId: z.uuid(),
  invoiceId: z.uuid({ error: "That invoice was not found." }),
  amount: dollars("amount"),
  method: z.enum(["card", "cash", "check", "insurance"], { error: "Choose how it was paid: card, cash, check or insurance." }),
});
export const refundRequestSchema = z.object({
  nodeId: z.uuid(),
  paymentId: z.uuid({ error: "That payment was not found." }),
  amount: dollars("refund"),
  reason: z.string({ error: "Say why the refund is due." }).trim().min(3, "Say why the refund is due.").max(500, "Keep the reason under 500 characters."),
});
export const refundSchema = z.object({ nodeId: z.uuid(), refundId: z.uuid({ error: "That refund was not found." }) });
export const listSchema = z.object({
  nodeId: z.uuid(),
  q: z.string().trim().max(100, "Keep the search under 100 characters.").optional().default(""),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
});
export const periodSchema = z
  .object({
    nodeId: z.uuid(),
    from: z.iso.date({ error: "Give the first day, like 2026-12-01." }),
    to: z.iso.date({ error: "Give the last day, like 2026-12-31." }),
  })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "The last day must be on or after the first." });

export const PAGE_SIZE = 25;
export const money = (cents: number) => `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

// ------------------------------------------------------------------------------------------------
// Records as decide() sees them
// ------------------------------------------------------------------------------------------------
const refundSelect = { id: true, tenantId: true, nodeId: true, paymentId: true, amountCents: true, reason: true, status: true, requestedById: true, approvedById: true, processedById: true } as const;

export const refundRef = (r: { nodeId: string; requestedById: string; approvedById: string | null; amountCents: number }): ResourceRef => resourceOfRow("billingRefund", r);

/** A refund, when it lives at the place in the URL (or below it); null otherwise (the wrapper's 404). */
export async function refundAt(db: Db | Tx, subject: Subject, nodeId: string, refundId: string) {
  const place = billingPlace(subject, nodeId);
  if (!place) return null;
  const refund = await db.billingRefund.findFirst({ where: { id: refundId, tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } }, select: refundSelect });
  return refund;
}

async function paymentAt(db: Db | Tx, subject: Subject, nodeId: string, paymentId: string) {
  const place = billingPlace(subject, nodeId);
  if (!place) return null;
  return db.billingPayment.findFirst({ where: { id: paymentId, tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } } });
}

async function invoiceAt(db: Db | Tx, subject: Subject, nodeId: string, invoiceId: string) {
  const place = billingPlace(subject, nodeId);
  if (!place) return null;
  return db.billingInvoice.findFirst({ where: { id: invoiceId, tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } } });
}

/** ResourceRef helpers for the wrapper's `access.resource`: the record's place, or null (404). */
export const refs = {
  refund: async (db: Db | Tx, subject: Subject, nodeId: string, id: string): Promise<ResourceRef | null> => {
    const r = await refundAt(db, subject, nodeId, id);
    return r && refundRef(r);
  },
  payment: async (db: Db | Tx, subject: Subject, nodeId: string, id: string): Promise<ResourceRef | null> => {
    const p = await paymentAt(db, subject, nodeId, id);
    return p && { nodeId: p.nodeId, ownerId: p.processedById };
  },
  invoice: async (db: Db | Tx, subject: Subject, nodeId: string, id: string): Promise<ResourceRef | null> => {
    const i = await invoiceAt(db, subject, nodeId, id);
    return i && { nodeId: i.nodeId, ownerId: i.createdById };
  },
};

function must(actor: Actor, permission: Permission, ref: ResourceRef) {
  if (!decide(actor.subject, permission, ref)) {
    const why = explain(actor.subject, permission, ref);
    throw forbidden(why.reason);
  }
}

/** Charges and invoices are written at a location (or a single-location practice), not a region. */
function writablePlace(actor: Actor, nodeId: string): Place {
  const place = billingPlace(actor.subject, nodeId);
  if (!place) throw notFound("That place");
  if (place.kind !== "LOCATION" && place.kind !== "PRACTICE") throw new AppError("invalid", "Choose a location first: billing records belong to one location.", { nodeId: ["Choose a location."] });
  return place;
}

async function patientIn(tx: Tx, place: Place, subject: Subject, patientId: string) {
  const patient = await tx.patient.findFirst({ where: { id: patientId, tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } }, select: { id: true, nodeId: true } });
  if (!patient) throw new AppError("invalid", "That patient is not at this place.", { patientId: ["Choose a patient of this location."] });
  return patient;
}

// ------------------------------------------------------------------------------------------------
// Writes
// ------------------------------------------------------------------------------------------------
export async function createCharge(tx: Tx, actor: Actor, input: z.output<typeof chargeSchema>) {
  const place = writablePlace(actor, input.nodeId);
  must(actor, "charges.create", { nodeId: place.id, ownerId: actor.userId });
  await patientIn(tx, place, actor.subject, input.patientId);
  const charge = await tx.billingCharge.create({
    data: { tenantId: place.tenantId, nodeId: place.id, patientId: input.patientId, description: input.description, amountCents: input.amount, serviceDate: new Date(`${input.serviceDate}T00:00:00Z`), createdById: actor.userId },
  });
  await recordAudit(tx, { tenantId: place.tenantId, actorId: actor.userId, action: "charge.created", targetType: "charge", targetId: charge.id, details: { amountCents: input.amount, nodeId: place.id }, ip: actor.ip });
  return { id: charge.id };
}

/** Bundles the patient's uninvoiced charges at the place into one invoice. */
export async function createInvoice(tx: Tx, actor: Actor, input: z.output<typeof invoiceSchema>) {
  const place = writablePlace(actor, input.nodeId);
  must(actor, "invoices.create", { nodeId: place.id, ownerId: actor.userId });
  await patientIn(tx, place, actor.subject, input.patientId);
  const charges = await tx.billingCharge.findMany({ where: { tenantId: place.tenantId, nodeId: place.id, patientId: input.patientId, invoiceId: null }, select: { id: true, amountCents: true } });
  if (charges.length === 0) throw new AppError("invalid", "This patient has no charges to invoice here.", { patientId: ["No uninvoiced charges for this patient."] });
  const total = charges.reduce((s, c) => s + c.amountCents, 0);
  const invoice = await tx.billingInvoice.create({
    data: { tenantId: place.tenantId, nodeId: place.id, patientId: input.patientId, number: invoiceNumber(), totalCents: total, createdById: actor.userId },
  });
  await tx.billingCharge.updateMany({ where: { id: { in: charges.map((c) => c.id) } }, data: { invoiceId: invoice.id } });
  await recordAudit(tx, { tenantId: place.tenantId, actorId: actor.userId, action: "invoice.created", targetType: "invoice", targetId: invoice.id, details: { totalCents: total, charges: charges.length }, ip: actor.ip });
  return { id: invoice.id, number: invoice.number, totalCents: total };
}

export const invoiceNumber = () => `INV-${randomBytes(4).toString("hex").toUpperCase()}`;

export async function recordPayment(tx: Tx, actor: Actor, input: z.output<typeof paymentSchema>) {
  const invoice = await invoiceAt(tx, actor.subject, input.nodeId, input.invoiceId);
  if (!invoice) throw notFound("That invoice");
  must(actor, "payments.process", { nodeId: invoice.nodeId, ownerId: actor.userId });
  if (invoice.status === "void") throw new AppError("conflict", "This invoice was voided.");
  const due = invoice.totalCents - invoice.paidCents;
  if (input.amount > due) throw new AppError("invalid", `Only ${money(due)} is due on this invoice.`, { amount: [`At most ${money(due)}.`] });
  const payment = await tx.billingPayment.create({
    data: { tenantId: invoice.tenantId, nodeId: invoice.nodeId, invoiceId: invoice.id, amountCents: input.amount, method: input.method, processedById: actor.userId },
  });
  const paid = invoice.paidCents + input.amount;
  await tx.billingInvoice.update({ where: { id: invoice.id }, data: { paidCents: paid, status: paid >= invoice.totalCents ? "paid" : "open" } });
  await recordAudit(tx, { tenantId: invoice.tenantId, actorId: actor.userId, action: "payment.recorded", targetType: "payment", targetId: payment.id, details: { amountCents: input.amount, invoiceId: invoice.id, method: input.method }, ip: actor.ip });
  return { id: payment.id };
}

export async function requestRefund(tx: Tx, actor: Actor, input: z.output<typeof refundRequestSchema>) {
  const payment = await paymentAt(tx, actor.subject, input.nodeId, input.paymentId);
  if (!payment) throw notFound("That payment");
  must(actor, "refunds.create", { nodeId: payment.nodeId, ownerId: actor.userId });
  const pending = await tx.billingRefund.aggregate({ where: { paymentId: payment.id, status: { in: ["requested", "approved"] } }, _sum: { amountCents: true } });
  const left = payment.amountCents - payment.refundedCents - (pending._sum.amountCents ?? 0);
  if (input.amount > left) throw new AppError("invalid", `At most ${money(left)} of this payment can still be refunded.`, { amount: [`At most ${money(left)}.`] });
  const refund = await tx.billingRefund.create({
    data: { tenantId: payment.tenantId, nodeId: payment.nodeId, paymentId: payment.id, amountCents: input.amount, reason: input.reason, requestedById: actor.userId },
  });
  await recordAudit(tx, { tenantId: payment.tenantId, actorId: actor.userId, action: "refund.requested", targetType: "refund", targetId: refund.id, details: { amountCents: input.amount, paymentId: payment.id }, ip: actor.ip });
  return { id: refund.id };
}

async function loadRefund(tx: Tx, actor: Actor, input: z.output<typeof refundSchema>) {
  const refund = await refundAt(tx, actor.subject, input.nodeId, input.refundId);
  if (!refund || !decide(actor.subject, "refunds.read", refundRef(refund))) throw notFound("That refund");
  // Serialise decisions on one refund: two approvers (or approve and process) can't race.
  await tx.$queryRaw`SELECT id FROM billing_refunds WHERE id = ${refund.id}::uuid FOR UPDATE`;
  return (await tx.billingRefund.findUniqueOrThrow({ where: { id: refund.id }, select: refundSelect }))!;
}

/** Approve: the policy decides (amount limit of the role, not the requester); the reason is explain()'s. */
export async function approveRefund(tx: Tx, actor: Actor, input: z.output<typeof refundSchema>) {
  const refund = await loadRefund(tx, actor, input);
  if (refund.status !== "requested") throw new AppError("conflict", `This refund is already ${refund.status}.`);
  must(actor, "refunds.approve", refundRef(refund));
  await tx.billingRefund.update({ where: { id: refund.id }, data: { status: "approved", approvedById: actor.userId, approvedAt: new Date() } });
  await recordAudit(tx, { tenantId: refund.tenantId, actorId: actor.userId, action: "refund.approved", targetType: "refund", targetId: refund.id, details: { amountCents: refund.amountCents }, ip: actor.ip });
  return { id: refund.id, status: "approved" };
}

export async function denyRefund(tx: Tx, actor: Actor, input: z.output<typeof refundSchema>) {
  const refund = await loadRefund(tx, actor, input);
  if (refund.status !== "requested") throw new AppError("conflict", `This refund is already ${refund.status}.`);
  must(actor, "refunds.approve", refundRef(refund));
  await tx.billingRefund.update({ where: { id: refund.id }, data: { status: "denied", approvedById: actor.userId, approvedAt: new Date() } });
  await recordAudit(tx, { tenantId: refund.tenantId, actorId: actor.userId, action: "refund.denied", targetType: "refund", targetId: refund.id, details: { amountCents: refund.amountCents }, ip: actor.ip });
  return { id: refund.id, status: "denied" };
}

/** Process (pay out) an approved refund: never by its approver (separation of duties, in the policy). */
export async function processRefund(tx: Tx, actor: Actor, input: z.output<typeof refundSchema>) {
  const refund = await loadRefund(tx, actor, input);
  if (refund.status !== "approved") throw new AppError("conflict", refund.status === "requested" ? "This refund must be approved first." : `This refund is already ${refund.status}.`);
  must(actor, "refunds.process", refundRef(refund));
  const now = new Date();
  await tx.billingRefund.update({ where: { id: refund.id }, data: { status: "processed", processedById: actor.userId, processedAt: now } });
  const payment = await tx.billingPayment.update({ where: { id: refund.paymentId }, data: { refundedCents: { increment: refund.amountCents } } });
  await tx.billingInvoice.update({ where: { id: payment.invoiceId }, data: { paidCents: { decrement: refund.amountCents }, status: "open" } });
  await recordAudit(tx, { tenantId: refund.tenantId, actorId: actor.userId, action: "refund.processed", targetType: "refund", targetId: refund.id, details: { amountCents: refund.amountCents }, ip: actor.ip });
  return { id: refund.id, status: "processed" };
}

// ------------------------------------------------------------------------------------------------
// Reads
// ------------------------------------------------------------------------------------------------
const inPlace = (subject: Subject, place: Place) => ({ tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } });

export interface InvoiceView {
  id: string;
  number: string;
  status: string;
  totalCents: number;
  paidCents: number;
  issuedAt: string;
  location: string;
  patient: string;
  payments: { id: string; amountCents: number; refundedCents: number; method: string }[];
}

/** Invoices at the place the subject may read, searchable by number or patient name, paginated in SQL. */
export async function listInvoices(db: Db | Tx, subject: Subject, place: Place, opts: { q?: string; page?: number } = {}): Promise<{ rows: InvoiceView[]; total: number }> {
  const q = opts.q?.trim() ?? "";
  let search: Prisma.BillingInvoiceWhereInput = {};
  if (q) {
    const patients = await db.patient.findMany({
      where: { tenantId: place.tenantId, OR: [{ lastName: { contains: q, mode: "insensitive" } }, { firstName: { contains: q, mode: "insensitive" } }] },
      select: { id: true },
      take: 500,
    });
    search = { OR: [{ number: { contains: q, mode: "insensitive" } }, { patientId: { in: patients.map((p) => p.id) } }] };
  }
  const filter: Prisma.BillingInvoiceWhereInput = { AND: [where(subject, "invoices.read", "billingInvoice"), inPlace(subject, place), search] };
  const page = Math.max(1, opts.page ?? 1);
  const [rows, total] = await Promise.all([
    db.billingInvoice.findMany({
      where: filter,
      orderBy: [{ issuedAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { payments: { select: { id: true, amountCents: true, refundedCents: true, method: true }, orderBy: { receivedAt: "asc" } } },
    }),
    db.billingInvoice.count({ where: filter }),
  ]);
  const names = await patientNames(db, place.tenantId, rows.map((r) => r.patientId));
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status,
      totalCents: r.totalCents,
      paidCents: r.paidCents,
      issuedAt: r.issuedAt.toISOString(),
      location: nodeName(subject, r.nodeId),
      patient: r.patientId ? (names.get(r.patientId) ?? "") : "",
      // Payments show only with payments.read at the invoice's place.
      payments: decide(subject, "payments.read", { nodeId: r.nodeId }) ? r.payments : [],
    })),
  };
}

/** Patient names for billing lists: the contact fields, only for people with patients.read_contact there. */
async function patientNames(db: Db | Tx, tenantId: string, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  const out = new Map<string, string>();
  if (wanted.length === 0) return out;
  const rows = await db.patient.findMany({ where: { tenantId, id: { in: wanted } }, select: { id: true, firstName: true, lastName: true } });
  for (const p of rows) out.set(p.id, `${p.firstName} ${p.lastName}`);
  return out;
}

export interface RefundView {
  id: string;
  amountCents: number;
  reason: string;
  status: string;
  location: string;
  requestedBy: string;
  approvedBy: string | null;
  requestedAt: string;
  /** What the viewer may do, and when not, why (the policy's own reason). */
  approve: { allowed: boolean; reason: string };
  process: { allowed: boolean; reason: string };
}

export async function listRefunds(db: Db | Tx, subject: Subject, place: Place): Promise<RefundView[]> {
  const rows = await db.billingRefund.findMany({
    where: { AND: [where(subject, "refunds.read", "billingRefund"), inPlace(subject, place)] },
    orderBy: [{ requestedAt: "desc" }, { id: "asc" }],
    take: 100,
  });
  const people = await db.user.findMany({ where: { id: { in: [...new Set(rows.flatMap((r) => [r.requestedById, r.approvedById].filter((x): x is string => !!x)))] } }, select: { id: true, name: true } });
  const name = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? "a former member") : null);
  return rows.map((r) => {
    const ref = refundRef(r);
    const verdict = (permission: Permission, state: string, pending: string) => {
      if (r.status !== state) return { allowed: false, reason: pending };
      const e = explain(subject, permission, ref);
      return { allowed: e.allowed, reason: e.allowed ? "" : e.reason };
    };
    return {
      id: r.id,
      amountCents: r.amountCents,
      reason: r.reason,
      status: r.status,
      location: nodeName(subject, r.nodeId),
      requestedBy: name(r.requestedById)!,
      approvedBy: name(r.approvedById),
      requestedAt: r.requestedAt.toISOString(),
      approve: verdict("refunds.approve", "requested", `Already ${r.status}.`),
      process: verdict("refunds.process", "approved", r.status === "requested" ? "Waiting for approval." : `Already ${r.status}.`),
    };
  });
}

// ------------------------------------------------------------------------------------------------
// Reports
// ------------------------------------------------------------------------------------------------
export interface ReportRow {
  nodeId: string;
  location: string;
  charges: number;
  chargedCents: number;
  invoices: number;
  paidCents: number;
  refundedCents: number;
}

/** Per location under the place, over [from, to] (UTC days): charged, invoiced, collected, refunded. */
export async function billingReport(db: Db | Tx, subject: Subject, place: Place, period: { from: string; to: string }): Promise<ReportRow[]> {
  if (!decide(subject, "billing_reports.read", { nodeId: place.id })) throw forbidden();
  const start = new Date(`${period.from}T00:00:00Z`);
  const end = new Date(new Date(`${period.to}T00:00:00Z`).getTime() + 86_400_000);
  const scope = inPlace(subject, place);
  const [charges, invoices, payments, refunds] = await Promise.all([
    db.billingCharge.groupBy({ by: ["nodeId"], where: { ...scope, serviceDate: { gte: start, lt: end } }, _sum: { amountCents: true }, _count: { _all: true } }),
    db.billingInvoice.groupBy({ by: ["nodeId"], where: { ...scope, issuedAt: { gte: start, lt: end } }, _count: { _all: true } }),
    db.billingPayment.groupBy({ by: ["nodeId"], where: { ...scope, receivedAt: { gte: start, lt: end } }, _sum: { amountCents: true } }),
    db.billingRefund.groupBy({ by: ["nodeId"], where: { ...scope, status: "processed", processedAt: { gte: start, lt: end } }, _sum: { amountCents: true } }),
  ]);
  const ids = [...new Set([...charges, ...invoices, ...payments, ...refunds].map((r) => r.nodeId))];
  return ids
    .map((id) => ({
      nodeId: id,
      location: nodeName(subject, id),
      charges: charges.find((c) => c.nodeId === id)?._count._all ?? 0,
      chargedCents: charges.find((c) => c.nodeId === id)?._sum.amountCents ?? 0,
      invoices: invoices.find((c) => c.nodeId === id)?._count._all ?? 0,
      paidCents: payments.find((c) => c.nodeId === id)?._sum.amountCents ?? 0,
      refundedCents: refunds.find((c) => c.nodeId === id)?._sum.amountCents ?? 0,
    }))
    .sort((a, b) => a.location.localeCompare(b.location));
}

/** The report as CSV: billing_reports.export at the place, audited with its format and row count. */
export async function exportBillingReport(tx: Tx, actor: Actor, place: Place, period: { from: string; to: string }): Promise<string> {
  if (!decide(actor.subject, "billing_reports.export", { nodeId: place.id })) throw forbidden("Exporting billing reports needs the billing_reports.export permission.");
  const rows = await billingReport(tx, actor.subject, place, period);
  await recordAudit(tx, { tenantId: place.tenantId, actorId: actor.userId, action: "billing_report.export", targetType: "node", targetId: place.id, details: { format: "csv", count: rows.length, from: period.from, to: period.to }, ip: actor.ip });
  const dollarsCell = (c: number) => (c / 100).toFixed(2);
  return csv([
    ["Location", "Charges", "Charged", "Invoices", "Collected", "Refunded", "Net"],
    ...rows.map((r) => [r.location, r.charges, dollarsCell(r.chargedCents), r.invoices, dollarsCell(r.paidCents), dollarsCell(r.refundedCents), dollarsCell(r.paidCents - r.refundedCents)]),
  ]);
}

// ------------------------------------------------------------------------------------------------
// Choices for the billing forms
// ------------------------------------------------------------------------------------------------
export interface BillingChoices {
  /** Where a charge or invoice can be written (locations, or a practice without locations). */
  locations: { id: string; name: string }[];
  /** Patients the viewer may see at the place (first 200 by name), with their location. */
  patients: { id: string; name: string; nodeId: string }[];
}

/**
 * What the charge and invoice forms offer: the writable places under the place and the patients the
 * subject may see there (filtered in SQL by the policy). Reading patient names is a patient read,
 * so it is audited like the patients list ("patient.list").
 */
export async function billingChoices(tx: Tx, actor: Actor, place: Place): Promise<BillingChoices> {
  const tree = actor.subject.trees.find((t) => t.rootId === place.tenantId)!;
  const ids = placeIds(actor.subject, place);
  const nodes = ids.map((id) => tree.nodes.get(id)!).filter((n) => !n.archived);
  const locations = nodes.filter((n) => n.kind === "LOCATION" || (n.kind === "PRACTICE" && !nodes.some((c) => c.kind === "LOCATION" && c.ancestors.includes(n.id))));
  const rows = await tx.patient.findMany({
    where: { AND: [where(actor.subject, "patients.read_contact", "patient"), { tenantId: place.tenantId, nodeId: { in: locations.map((l) => l.id) } }] },
    orderBy: [{ lastName: "asc" }, { id: "asc" }],
    take: 200,
    select: { id: true, firstName: true, lastName: true, nodeId: true },
  });
  if (rows.length > 0) {
    await recordAudit(tx, { tenantId: place.tenantId, actorId: actor.userId, action: "patient.list", targetType: "org_node", targetId: place.id, details: { ids: rows.map((r) => r.id), purpose: "billing" }, ip: actor.ip });
  }
  return { locations: locations.map((l) => ({ id: l.id, name: l.name })).sort((a, b) => a.name.localeCompare(b.name)), patients: rows.map((r) => ({ id: r.id, name: `${r.lastName}, ${r.firstName}`, nodeId: r.nodeId })) };
}
