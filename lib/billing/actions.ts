"use server";

import { action } from "@/lib/api/handler";
import {
  approveRefund,
  chargeSchema,
  createCharge,
  createInvoice,
  denyRefund,
  invoiceSchema,
  paymentSchema,
  processRefund,
  recordPayment,
  refs,
  refundRequestSchema,
  refundSchema,
  requestRefund,
} from "@/lib/billing/billing";

/**
 * Billing mutations, each through action(): the place (404 outside the caller's tenants), the input
 * (400), a permission on the record (403), then the domain function in a transaction, which
 * checks the record-level policy (amount limits, separation of duties) and writes the audit row.
 * Approve/process declare refunds.read on the refund: the decision itself is the domain's, so its
 * refusal carries the policy's reason ("Separation of duties: …", the amount limit).
 */
export const createChargeAction = action({
  access: { permission: "charges.create", resource: (i, ctx) => ({ nodeId: i.nodeId, ownerId: ctx.user.id }) },
  input: chargeSchema,
  handler: async ({ input, user, subject, tx, ip }) => createCharge(tx, { subject, userId: user.id, ip }, input),
});

export const createInvoiceAction = action({
  access: { permission: "invoices.create", resource: (i, ctx) => ({ nodeId: i.nodeId, ownerId: ctx.user.id }) },
  input: invoiceSchema,
  handler: async ({ input, user, subject, tx, ip }) => createInvoice(tx, { subject, userId: user.id, ip }, input),
});

export const recordPaymentAction = action({
  access: { permission: "payments.process", resource: (i, ctx) => refs.invoice(ctx.db, ctx.subject, i.nodeId, i.invoiceId) },
  input: paymentSchema,
  handler: async ({ input, user, subject, tx, ip }) => recordPayment(tx, { subject, userId: user.id, ip }, input),
});

export const requestRefundAction = action({
  access: { permission: "refunds.create", resource: async (i, ctx) => (await refs.payment(ctx.db, ctx.subject, i.nodeId, i.paymentId)) && { nodeId: i.nodeId, ownerId: ctx.user.id } },
  input: refundRequestSchema,
  handler: async ({ input, user, subject, tx, ip }) => requestRefund(tx, { subject, userId: user.id, ip }, input),
});

export const approveRefundAction = action({
  access: { permission: "refunds.read", resource: (i, ctx) => refs.refund(ctx.db, ctx.subject, i.nodeId, i.refundId) },
  input: refundSchema,
  handler: async ({ input, user, subject, tx, ip }) => approveRefund(tx, { subject, userId: user.id, ip }, input),
});

export const denyRefundAction = action({
  access: { permission: "refunds.read", resource: (i, ctx) => refs.refund(ctx.db, ctx.subject, i.nodeId, i.refundId) },
  input: refundSchema,
  handler: async ({ input, user, subject, tx, ip }) => denyRefund(tx, { subject, userId: user.id, ip }, input),
});

export const processRefundAction = action({
  access: { permission: "refunds.read", resource: (i, ctx) => refs.refund(ctx.db, ctx.subject, i.nodeId, i.refundId) },
  input: refundSchema,
  handler: async ({ input, user, subject, tx, ip }) => processRefund(tx, { subject, userId: user.id, ip }, input),
});
