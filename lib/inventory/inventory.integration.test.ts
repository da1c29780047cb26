/**
 * Inventory through its real entry points (runAs), on PGlite and PostgreSQL: stock per location and
 * the low-stock list as the policy's where() selects them; purchase orders approved only by someone
 * with purchase_orders.approve who didn't raise them (separation of duties, with the reason);
 * a stranger 404, a lower role 403, broken input 400, nothing changed.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as profilesRoute from "../../app/api/profiles/route";
import { runAs, type Caller } from "../api/handler";
import { SubjectLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry as call, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import * as actions from "./actions";
import { inventoryPlace, listOrders, listStock } from "./inventory";


describe.each(TEST_DATABASES)("inventory ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const users = new Map<string, string>();
  const subject = async (who: string) => new SubjectLoader(db.prisma).load(users.get(who)!);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) users.set(u.email, u.id);
  });
  afterAll(async () => db?.destroy());

  test("stock and the low-stock list per place, as the policy allows: Inventory at Seattle, the Owner everywhere, Billing nothing", async () => {
    const inv = await subject("inventory@northwind.test");
    const seattle = inventoryPlace(inv, nodes.get("Seattle Practice")!)!;
    const all = await listStock(db.prisma, inv, seattle);
    expect(new Set(all.map((s) => s.location))).toEqual(new Set(["Seattle Downtown", "Seattle Northgate"]));
    expect(all).toHaveLength(10);
    const low = await listStock(db.prisma, inv, seattle, { lowOnly: true });
    expect(low.length).toBeGreaterThan(0);
    expect(low.every((s) => s.quantity <= s.reorderLevel)).toBe(true);
    expect(new Set(low.map((s) => s.sku))).toEqual(new Set(["GLV-M", "ANS-2"]));

    const owner = await subject("owner@northwind.test");
    expect(await listStock(db.prisma, owner, inventoryPlace(owner, nodes.get("Northwind Dental Group")!)!)).toHaveLength(25);
    const billing = await subject("billing@northwind.test");
    expect(await listStock(db.prisma, billing, inventoryPlace(billing, nodes.get("Northwind Dental Group")!)!)).toEqual([]);
  });

  test("a purchase order: raised by Inventory, not approvable by its requester (reason shown), approved by the Owner", async () => {
    const inventory = await callerFor(db, "inventory@northwind.test");
    const downtown = nodes.get("Seattle Downtown")!;
    const stock = await db.prisma.inventoryStock.findFirstOrThrow({ where: { nodeId: downtown, product: { sku: "ANS-2" } } });
    const created = await call(actions.createOrderAction, { nodeId: downtown, stockId: stock.id, quantity: "12" }, inventory);
    expect(created.ok).toBe(true);
    const orderId = created.ok && created.data.id;
    // The Inventory Manager has no purchase_orders.approve at all.
    expect(await call(actions.approveOrderAction, { nodeId: downtown, orderId }, inventory)).toMatchObject({ ok: false, code: "forbidden" });
    // An Owner who raised an order can't approve it either: separation of duties.
    const ownerCaller = await callerFor(db, "owner@northwind.test");
    const own = await call(actions.createOrderAction, { nodeId: downtown, stockId: stock.id, quantity: 5 }, ownerCaller);
    expect(await call(actions.approveOrderAction, { nodeId: downtown, orderId: own.ok && own.data.id }, ownerCaller)).toEqual({
      ok: false,
      code: "forbidden",
      message: "Separation of duties: the person who raised an order can't approve it.",
      fields: undefined,
    });
    const owner = await subject("owner@northwind.test");
    const listed = await listOrders(db.prisma, owner, inventoryPlace(owner, downtown)!);
    expect(listed.find((o) => o.id === (own.ok && own.data.id))?.approve.reason).toMatch(/^Separation of duties/);
    expect(await call(actions.approveOrderAction, { nodeId: downtown, orderId }, ownerCaller)).toEqual({ ok: true, data: { id: orderId, status: "approved" } });
    expect(await call(actions.approveOrderAction, { nodeId: downtown, orderId }, ownerCaller)).toMatchObject({ ok: false, code: "conflict" });
    expect(await db.prisma.auditEvent.count({ where: { action: "purchase_order.approved", targetId: orderId } })).toBe(1);
  });

  test("stranger 404, lower role 403, broken input 400; nothing changes", async () => {
    const downtown = nodes.get("Seattle Downtown")!;
    const stock = await db.prisma.inventoryStock.findFirstOrThrow({ where: { nodeId: downtown } });
    const order = await db.prisma.purchaseOrder.findFirstOrThrow({ where: { status: "requested", nodeId: downtown } });
    const before = { stock: await db.prisma.inventoryStock.findMany({ orderBy: { id: "asc" } }), orders: await db.prisma.purchaseOrder.count() };

    const jim = await callerFor(db, "jim@family.test");
    const trap = ((await call(profilesRoute.POST, { kind: "PRACTICE", name: "Jim's Supplies", timeZone: "UTC" }, jim)) as { data: { id: string } }).data.id;
    for (const nodeId of [downtown, trap]) {
      expect(await call(actions.setStockAction, { nodeId, stockId: stock.id, quantity: 0 }, jim)).toMatchObject({ ok: false, code: "not_found" });
      expect(await call(actions.approveOrderAction, { nodeId, orderId: order.id }, jim)).toMatchObject({ ok: false, code: nodeId === trap ? "not_found" : "not_found" });
    }
    // The Manager reads stock but doesn't edit it or order; a Provider has no inventory at all.
    const manager = await callerFor(db, "manager@northwind.test");
    expect(await call(actions.setStockAction, { nodeId: downtown, stockId: stock.id, quantity: 0 }, manager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.createOrderAction, { nodeId: downtown, stockId: stock.id, quantity: 1 }, manager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.approveOrderAction, { nodeId: downtown, orderId: order.id }, await callerFor(db, "dr.lee@northwind.test"))).toMatchObject({ ok: false, code: "forbidden" });
    // Broken input: field messages.
    const inventory = await callerFor(db, "inventory@northwind.test");
    expect(await call(actions.setStockAction, { nodeId: downtown, stockId: stock.id, quantity: "-3" }, inventory)).toMatchObject({ ok: false, code: "invalid", fields: { quantity: ["The quantity can't be negative."] } });
    expect(await call(actions.createOrderAction, { nodeId: downtown, stockId: "x", quantity: 0.5 }, inventory)).toMatchObject({ ok: false, code: "invalid", fields: { stockId: expect.any(Array), quantity: ["Order whole units."] } });
    expect({ stock: await db.prisma.inventoryStock.findMany({ orderBy: { id: "asc" } }), orders: await db.prisma.purchaseOrder.count() }).toEqual(before);

    // And the good path: Inventory sets the count, audited.
    expect(await call(actions.setStockAction, { nodeId: downtown, stockId: stock.id, quantity: "7" }, inventory)).toEqual({ ok: true, data: { id: stock.id, quantity: 7 } });
    expect(await db.prisma.auditEvent.count({ where: { action: "stock.adjusted", targetId: stock.id } })).toBe(1);
  });
});
