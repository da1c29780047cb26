import type { Tx } from "../lib/db/client";

/**
 * Billing demo data (issue 10): for every Northwind and Lakeside patient a visit or two charged and
 * invoiced this month, most invoices paid; at Seattle Downtown refunds waiting: one above the
 * Manager's $200 approval limit and one below it (both requested by Billing), one the Manager asked
 * for herself (so separation of duties shows), and one the Manager approved for Billing to process.
 */
const VISITS: [string, number][] = [
  ["Cleaning", 12_000],
  ["Exam and X-rays", 18_500],
  ["Filling", 26_000],
  ["Physio session", 9_500],
];
const DAY = 86_400_000;

export async function seedBillingDemo(tx: Tx, nodes: Map<string, { id: string; rootId: string }>, users: Map<string, string>, now = Date.now()): Promise<void> {
  const billing = users.get("billing@northwind.test")!;
  const manager = users.get("manager@northwind.test")!;
  const lakesideOwner = users.get("owner@lakeside.test")!;
  const patients = await tx.patient.findMany({ orderBy: [{ lastName: "asc" }, { id: "asc" }], select: { id: true, tenantId: true, nodeId: true, lastName: true } });
  await seedInventoryDemo(tx, nodes, users);
  await seedCallsDemo(tx, nodes, users, now);
  const paymentsAt = new Map<string, string[]>();
  for (const [i, p] of patients.entries()) {
    const by = p.tenantId === nodes.get("Lakeside Physio")?.rootId ? lakesideOwner : billing;
    const issued = new Date(now - (i % 20) * DAY - 3_600_000);
    const items = [VISITS[i % VISITS.length], ...(i % 3 === 0 ? [VISITS[(i + 1) % VISITS.length]] : [])];
    const total = items.reduce((s, [, c]) => s + c, 0);
    const paid = i % 5 === 4 ? 0 : total;
    const invoice = await tx.billingInvoice.create({
      data: { tenantId: p.tenantId, nodeId: p.nodeId, patientId: p.id, number: `INV-${String(1001 + i)}`, status: paid >= total ? "paid" : "open", totalCents: total, paidCents: paid, issuedAt: issued, createdById: by },
    });
    await tx.billingCharge.createMany({
      data: items.map(([description, amountCents]) => ({ tenantId: p.tenantId, nodeId: p.nodeId, patientId: p.id, invoiceId: invoice.id, description, amountCents, serviceDate: new Date(issued.toISOString().slice(0, 10)), createdById: by })),
    });
    // One charge not invoiced yet, for every third patient.
    if (i % 3 === 1) await tx.billingCharge.create({ data: { tenantId: p.tenantId, nodeId: p.nodeId, patientId: p.id, description: "Follow-up visit", amountCents: 7_500, serviceDate: new Date(new Date(now).toISOString().slice(0, 10)), createdById: by } });
    if (paid > 0) {
      const payment = await tx.billingPayment.create({ data: { tenantId: p.tenantId, nodeId: p.nodeId, invoiceId: invoice.id, amountCents: paid, method: i % 2 ? "card" : "insurance", processedById: by, receivedAt: new Date(issued.getTime() + 3_600_000) } });
      paymentsAt.set(p.nodeId, [...(paymentsAt.get(p.nodeId) ?? []), payment.id]);
    }
  }
  const downtown = nodes.get("Seattle Downtown");
  const pays = downtown ? (paymentsAt.get(downtown.id) ?? []) : [];
  if (!downtown || pays.length < 4) return;
  const refund = (paymentId: string, amountCents: number, reason: string, requestedById: string, extra: Record<string, unknown> = {}) =>
    tx.billingRefund.create({ data: { tenantId: downtown.rootId, nodeId: downtown.id, paymentId, amountCents, reason, requestedById, requestedAt: new Date(now - 2 * 3_600_000), ...extra } });
  await refund(pays[0], 25_000, "Treatment cancelled after payment", billing);
  await refund(pays[1], 8_000, "Insurance covered part of the visit", billing);
  await refund(pays[2], 5_000, "Goodwill credit for a long wait", manager);
  await refund(pays[3], 6_000, "Charged twice for X-rays", billing, { status: "approved", approvedById: manager, approvedAt: new Date(now - 3_600_000) });
}

// [sku, name, unit, quantity, reorder level]: the first two run low at every location.
const PRODUCTS: [string, string, string, number, number][] = [
  ["GLV-M", "Nitrile gloves (M)", "box", 3, 10],
  ["ANS-2", "Lidocaine 2% cartridges", "pack", 1, 4],
  ["MSK-3", "Surgical masks", "box", 40, 10],
  ["FLS-1", "Fluoride varnish", "tube", 25, 5],
  ["BIB-1", "Patient bibs", "case", 12, 3],
];

/** Inventory demo data: Northwind's products, stock at each location (some low), one order waiting for approval. */
export async function seedInventoryDemo(tx: Tx, nodes: Map<string, { id: string; rootId: string }>, users: Map<string, string>): Promise<void> {
  const northwind = nodes.get("Northwind Dental Group");
  if (!northwind) return;
  const locations = ["Seattle Downtown", "Seattle Northgate", "Portland Pearl District", "Boston Back Bay", "New York Midtown"].map((n) => nodes.get(n)!).filter(Boolean);
  for (const [sku, name, unit, quantity, reorderLevel] of PRODUCTS) {
    const product = await tx.inventoryProduct.create({ data: { tenantId: northwind.id, sku, name, unit } });
    await tx.inventoryStock.createMany({ data: locations.map((l, i) => ({ tenantId: northwind.id, nodeId: l.id, productId: product.id, quantity: quantity + i * 2, reorderLevel })) });
    if (sku === "GLV-M" && users.get("inventory@northwind.test")) {
      await tx.purchaseOrder.create({ data: { tenantId: northwind.id, nodeId: nodes.get("Seattle Downtown")!.id, productId: product.id, quantity: 20, requestedById: users.get("inventory@northwind.test")! } });
    }
  }
}

/** A day of calls at Seattle Downtown: most assigned to the AI Assistant Handler, two to nobody yet. */
export async function seedCallsDemo(tx: Tx, nodes: Map<string, { id: string; rootId: string }>, users: Map<string, string>, now = Date.now()): Promise<void> {
  const downtown = nodes.get("Seattle Downtown");
  const handler = users.get("ai.handler@northwind.test");
  if (!downtown || !handler) return;
  const patients = await tx.patient.findMany({ where: { nodeId: downtown.id }, orderBy: { lastName: "asc" }, select: { id: true, firstName: true } });
  const topics = ["wants to move Thursday's appointment", "asks about an invoice", "reports tooth pain after a filling", "asks for opening hours", "needs a prescription refill", "asks whether insurance covers a crown"];
  for (let i = 0; i < 8; i++) {
    const p = patients[i % Math.max(1, patients.length)];
    await tx.call.create({
      data: {
        tenantId: downtown.rootId,
        nodeId: downtown.id,
        callerName: p && i < 6 ? p.firstName : "Unknown caller",
        callerPhone: `+1 206 555 02${String(i).padStart(2, "0")}`,
        patientId: p && i < 6 ? p.id : null,
        startedAt: new Date(now - (8 - i) * 3_600_000),
        durationSeconds: 60 + i * 37,
        transcript: `Caller ${topics[i % topics.length]}. AI: noted, a team member will follow up.`,
        status: i < 2 ? "handled" : "open",
        summary: i < 2 ? "Called back and resolved." : "",
        assigneeId: i < 6 ? handler : null,
      },
    });
  }
}
