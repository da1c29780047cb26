"use server";

import { action } from "@/lib/api/handler";
import { approveOrder, createOrder, inventoryRefs, orderDecisionSchema, orderSchema, setStock, stockEditSchema } from "@/lib/inventory/inventory";

/** Inventory mutations through the one wrapper; the domain functions re-check the record and audit. */
export const setStockAction = action({
  access: { permission: "stock.edit", resource: (i, ctx) => inventoryRefs.stock(ctx.db, ctx.subject, i.nodeId, i.stockId) },
  input: stockEditSchema,
  handler: async ({ input, user, subject, tx, ip }) => setStock(tx, { subject, userId: user.id, ip }, input),
});

export const createOrderAction = action({
  access: { permission: "purchase_orders.create", resource: (i, ctx) => ({ nodeId: i.nodeId, ownerId: ctx.user.id }) },
  input: orderSchema,
  handler: async ({ input, user, subject, tx, ip }) => createOrder(tx, { subject, userId: user.id, ip }, input),
});

export const approveOrderAction = action({
  // purchase_orders.read on the order; the approval itself is decided (with its reason) by the domain.
  access: { permission: "purchase_orders.read", resource: (i, ctx) => inventoryRefs.order(ctx.db, ctx.subject, i.nodeId, i.orderId) },
  input: orderDecisionSchema,
  handler: async ({ input, user, subject, tx, ip }) => approveOrder(tx, { subject, userId: user.id, ip }, input),
});
