import { z } from "zod";
import { decide, explain, type Permission, type ResourceRef, type Subject } from "../authz";
import { AppError, forbidden, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { resourceOfRow, where } from "../authz/where";
import { billingPlace, type Actor, type Place } from "../billing/billing";
import { subtreeIds } from "../authz";
import type { Db, Tx } from "../db/client";

/**
 * Inventory (issue 10): the tenant's products, stock per location, purchase orders with approval.
 * Lists are the policy's where() plus the place; approval is decide() on the order, so separation
 * of duties (the requester can't approve) is the policy's, with explain()'s reason.
 */
export const inventoryPlace = billingPlace;
const placeIds = (subject: Subject, place: Place) => subtreeIds(subject.trees.find((t) => t.rootId === place.tenantId)!, place.id);

function must(actor: Actor, permission: Permission, ref: ResourceRef) {
  if (!decide(actor.subject, permission, ref)) throw forbidden(explain(actor.subject, permission, ref).reason);
}

export const stockEditSchema = z.object({
  nodeId: z.uuid(),
  stockId: z.uuid({ error: "That stock line was not found." }),
  quantity: z.coerce.number({ error: "Give the quantity on hand as a whole number." }).int("Give the quantity on hand as a whole number.").min(0, "The quantity can't be negative.").max(1_000_000, "That is too many."),
});
export const orderSchema = z.object({
  nodeId: z.uuid(),
  stockId: z.uuid({ error: "Choose what to order." }),
  quantity: z.coerce.number({ error: "Give how many to order." }).int("Order whole units.").min(1, "Order at least one.").max(100_000, "That is too many for one order."),
});
export const orderDecisionSchema = z.object({ nodeId: z.uuid(), orderId: z.uuid({ error: "That order was not found." }) });

export interface StockView {
  id: string;
  sku: string;
  product: string;
  unit: string;
  location: string;
  nodeId: string;
  quantity: number;
  reorderLevel: number;
  low: boolean;
}

/** Stock at the place the subject may read; `lowOnly`: at or under the reorder level (in SQL). */
export async function listStock(db: Db | Tx, subject: Subject, place: Place, opts: { lowOnly?: boolean; q?: string } = {}): Promise<StockView[]> {
  const q = opts.q?.trim();
  let ids: string[] | null = null;
  if (opts.lowOnly) {
    // Comparing two columns: a raw id list, then the policy's where() as usual.
    const rows = await db.$queryRaw<{ id: string }[]>`SELECT id::text FROM inventory_stock WHERE tenant_id = ${place.tenantId}::uuid AND quantity <= reorder_level`;
    ids = rows.map((r) => r.id);
  }
  const rows = await db.inventoryStock.findMany({
    where: {
      AND: [
        where(subject, "stock.read", "inventoryStock"),
        { tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } },
        ids ? { id: { in: ids } } : {},
        q ? { product: { OR: [{ name: { contains: q, mode: "insensitive" } }, { sku: { contains: q, mode: "insensitive" } }] } } : {},
      ],
    },
    include: { product: true },
    orderBy: [{ product: { name: "asc" } }, { id: "asc" }],
    take: 500,
  });
  const name = (id: string) => subject.trees.find((t) => t.rootId === place.tenantId)!.nodes.get(id)?.name ?? "";
  return rows.map((r) => ({ id: r.id, sku: r.product.sku, product: r.product.name, unit: r.product.unit, location: name(r.nodeId), nodeId: r.nodeId, quantity: r.quantity, reorderLevel: r.reorderLevel, low: r.quantity <= r.reorderLevel }));
}

async function stockAt(db: Db | Tx, subject: Subject, nodeId: string, stockId: string) {
  const place = inventoryPlace(subject, nodeId);
  if (!place) return null;
  return db.inventoryStock.findFirst({ where: { id: stockId, tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } } });
}
async function orderAt(db: Db | Tx, subject: Subject, nodeId: string, orderId: string) {
  const place = inventoryPlace(subject, nodeId);
  if (!place) return null;
  return db.purchaseOrder.findFirst({ where: { id: orderId, tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } } });
}

export const inventoryRefs = {
  stock: async (db: Db | Tx, subject: Subject, nodeId: string, id: string): Promise<ResourceRef | null> => {
    const s = await stockAt(db, subject, nodeId, id);
    return s && { nodeId: s.nodeId };
  },
  order: async (db: Db | Tx, subject: Subject, nodeId: string, id: string): Promise<ResourceRef | null> => {
    const o = await orderAt(db, subject, nodeId, id);
    return o && resourceOfRow("purchaseOrder", o);
  },
};

export async function setStock(tx: Tx, actor: Actor, input: z.output<typeof stockEditSchema>) {
  const stock = await stockAt(tx, actor.subject, input.nodeId, input.stockId);
  if (!stock) throw notFound("That stock line");
  must(actor, "stock.edit", { nodeId: stock.nodeId });
  await tx.inventoryStock.update({ where: { id: stock.id }, data: { quantity: input.quantity } });
  await recordAudit(tx, { tenantId: stock.tenantId, actorId: actor.userId, action: "stock.adjusted", targetType: "stock", targetId: stock.id, details: { from: stock.quantity, to: input.quantity }, ip: actor.ip });
  return { id: stock.id, quantity: input.quantity };
}

export async function createOrder(tx: Tx, actor: Actor, input: z.output<typeof orderSchema>) {
  const stock = await stockAt(tx, actor.subject, input.nodeId, input.stockId);
  if (!stock) throw new AppError("invalid", "Choose a product stocked at this place.", { stockId: ["Choose a product stocked here."] });
  must(actor, "purchase_orders.create", { nodeId: stock.nodeId, ownerId: actor.userId });
  const order = await tx.purchaseOrder.create({ data: { tenantId: stock.tenantId, nodeId: stock.nodeId, productId: stock.productId, quantity: input.quantity, requestedById: actor.userId } });
  await recordAudit(tx, { tenantId: stock.tenantId, actorId: actor.userId, action: "purchase_order.created", targetType: "purchase_order", targetId: order.id, details: { quantity: input.quantity, productId: stock.productId }, ip: actor.ip });
  return { id: order.id };
}

/** Approve a purchase order: the policy decides (purchase_orders.approve, never by its requester). */
export async function approveOrder(tx: Tx, actor: Actor, input: z.output<typeof orderDecisionSchema>) {
  const order = await orderAt(tx, actor.subject, input.nodeId, input.orderId);
  if (!order || !decide(actor.subject, "purchase_orders.read", resourceOfRow("purchaseOrder", order))) throw notFound("That order");
  if (order.status !== "requested") throw new AppError("conflict", `This order is already ${order.status}.`);
  must(actor, "purchase_orders.approve", resourceOfRow("purchaseOrder", order));
  const updated = await tx.purchaseOrder.updateMany({ where: { id: order.id, status: "requested" }, data: { status: "approved", approvedById: actor.userId, approvedAt: new Date() } });
  if (updated.count !== 1) throw new AppError("conflict", "This order was just decided by someone else.");
  await recordAudit(tx, { tenantId: order.tenantId, actorId: actor.userId, action: "purchase_order.approved", targetType: "purchase_order", targetId: order.id, details: { quantity: order.quantity }, ip: actor.ip });
  return { id: order.id, status: "approved" };
}

export interface OrderView {
  id: string;
  product: string;
  quantity: number;
  status: string;
  location: string;
  requestedBy: string;
  approve: { allowed: boolean; reason: string };
}

export async function listOrders(db: Db | Tx, subject: Subject, place: Place): Promise<OrderView[]> {
  const rows = await db.purchaseOrder.findMany({
    where: { AND: [where(subject, "purchase_orders.read", "purchaseOrder"), { tenantId: place.tenantId, nodeId: { in: placeIds(subject, place) } }] },
    include: { product: { select: { name: true } } },
    orderBy: [{ requestedAt: "desc" }, { id: "asc" }],
    take: 100,
  });
  const people = await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.requestedById))] } }, select: { id: true, name: true } });
  const tree = subject.trees.find((t) => t.rootId === place.tenantId)!;
  return rows.map((r) => {
    const e = r.status === "requested" ? explain(subject, "purchase_orders.approve", resourceOfRow("purchaseOrder", r)) : null;
    return {
      id: r.id,
      product: r.product.name,
      quantity: r.quantity,
      status: r.status,
      location: tree.nodes.get(r.nodeId)?.name ?? "",
      requestedBy: people.find((p) => p.id === r.requestedById)?.name ?? "a former member",
      approve: e ? { allowed: e.allowed, reason: e.allowed ? "" : e.reason } : { allowed: false, reason: `Already ${r.status}.` },
    };
  });
}
