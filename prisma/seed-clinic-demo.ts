import { randomUUID } from "node:crypto";
import type { Tx } from "../lib/db/client";
import { planFor, PLANS, seatCount } from "../lib/billing/settings";

/**
 * Clinic demo data, the rest of issue 10: a few hundred more Northwind patients (at Portland Pearl
 * District and New York Midtown, so the hand-made Seattle and Boston cases the e2e specs count stay
 * as they are), each with an invoice, most paid; a day of calls there; the billing settings of
 * Northwind and Lakeside (a profile each, Lakeside with a test card on file, Northwind without one so
 * an owner can add it) and three months of CareAccess invoices to each. Batch inserts only.
 * Called once from seedDemoData(), after the other clinic seeds (which made the refunds, stock and
 * the Seattle calls and notes). The generated patients and their calls only with `bulk` (what
 * `npm start` and `npm run db:seed` seed): the tests and the e2e reset keep the hand-made cases alone.
 */
type Nodes = Map<string, { id: string; rootId: string }>;

export async function seedClinicDemo(tx: Tx, nodes: Nodes, users: Map<string, string>, opts: { bulk: boolean }, now = new Date()): Promise<void> {
  if (opts.bulk) await seedPatientsAndBilling(tx, nodes, users, now);
  await seedBillingSettings(tx, nodes, users, now);
}

export const DEMO_BULK_PATIENTS = 300;
const FIRST = ["Ava", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Luca", "Mina", "Noah", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yara", "Zane"];
const LAST = ["Abbott", "Baker", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Lopez", "Murphy", "Nguyen", "Okafor", "Petrov", "Quintero", "Rossi", "Singh", "Tanaka", "Uribe", "Vargas", "Weber", "Xu", "Young"];
const DAY = 86_400_000;

async function seedPatientsAndBilling(tx: Tx, nodes: Nodes, users: Map<string, string>, now: Date) {
  const places = ["Portland Pearl District", "New York Midtown"].map((n) => nodes.get(n)).filter((n): n is { id: string; rootId: string } => !!n);
  const billing = users.get("billing@northwind.test");
  if (places.length === 0 || !billing) return;
  const patients = Array.from({ length: DEMO_BULK_PATIENTS }, (_, i) => {
    const node = places[i % places.length];
    const [first, last] = [FIRST[i % FIRST.length], LAST[Math.floor(i / FIRST.length) % LAST.length]];
    return {
      id: randomUUID(),
      tenantId: node.rootId,
      nodeId: node.id,
      firstName: first,
      lastName: `${last}${i >= FIRST.length * LAST.length ? ` ${Math.floor(i / (FIRST.length * LAST.length)) + 1}` : ""}`,
      dateOfBirth: new Date(Date.UTC(1945 + (i % 60), i % 12, 1 + (i % 28))),
      phone: `+1 503 555 ${String(2000 + i).slice(-4)}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
      address: `${200 + i} Oak Avenue`,
      ssn: `900-11-${String(2000 + i).slice(-4)}`,
      insuranceMemberId: `INS-${300000 + i}`,
    };
  });
  await tx.patient.createMany({ data: patients });
  const invoices = patients.map((p, i) => {
    const total = [12_000, 18_500, 26_000, 9_500][i % 4];
    const paid = i % 4 === 3 ? 0 : total;
    return { id: randomUUID(), tenantId: p.tenantId, nodeId: p.nodeId, patientId: p.id, number: `INV-${String(50_001 + i)}`, status: paid ? "paid" : "open", totalCents: total, paidCents: paid, issuedAt: new Date(now.getTime() - (i % 28) * DAY - 3_600_000), createdById: billing };
  });
  await tx.billingInvoice.createMany({ data: invoices });
  await tx.billingCharge.createMany({
    data: invoices.map((inv, i) => ({ tenantId: inv.tenantId, nodeId: inv.nodeId, patientId: inv.patientId, invoiceId: inv.id, description: ["Cleaning", "Exam and X-rays", "Filling", "Check-up"][i % 4], amountCents: inv.totalCents, serviceDate: new Date(inv.issuedAt.toISOString().slice(0, 10)), createdById: billing })),
  });
  await tx.billingPayment.createMany({
    data: invoices.filter((inv) => inv.paidCents > 0).map((inv, i) => ({ tenantId: inv.tenantId, nodeId: inv.nodeId, invoiceId: inv.id, amountCents: inv.paidCents, method: i % 3 === 0 ? "insurance" : "card", processedById: billing, receivedAt: new Date(inv.issuedAt.getTime() + 3_600_000) })),
  });
  // A day of calls at each place: one every 20 minutes from 8:00 to 17:00 (UTC), most handled.
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 8);
  const topics = ["to book a cleaning", "about an invoice", "to move an appointment", "about insurance coverage", "for directions"];
  await tx.call.createMany({
    data: places.flatMap((node, n) =>
      Array.from({ length: 27 }, (_, k) => {
        const p = patients[(n + k * places.length) % patients.length];
        const startedAt = new Date(start + k * 20 * 60_000);
        const topic = topics[k % topics.length];
        return { tenantId: node.rootId, nodeId: node.id, callerName: `${p.firstName} ${p.lastName}`, callerPhone: p.phone, patientId: p.id, startedAt, durationSeconds: 60 + (k % 7) * 45, transcript: `Caller: Hi, I'm calling ${topic}.\nAssistant: Of course, let me help with that.`, summary: `Called ${topic}.`, status: startedAt.getTime() < now.getTime() - 3_600_000 ? "handled" : "open", handledAt: startedAt.getTime() < now.getTime() - 3_600_000 ? new Date(startedAt.getTime() + 15 * 60_000) : null };
      }),
    ),
  });
}

const PROFILES: Record<string, { legalName: string; taxId: string; contactName: string; contactEmail: string; addressLine1: string; city: string; region: string; postalCode: string; card?: boolean }> = {
  "Northwind Dental Group": { legalName: "Northwind Dental Group, Inc.", taxId: "91-1234567", contactName: "Olivia Northwind", contactEmail: "owner@northwind.test", addressLine1: "400 Pine Street", city: "Seattle", region: "WA", postalCode: "98101" },
  "Lakeside Physio": { legalName: "Lakeside Physio LLC", taxId: "36-7654321", contactName: "Lakeside Owner", contactEmail: "owner@lakeside.test", addressLine1: "12 Harbor Drive", city: "Chicago", region: "IL", postalCode: "60601", card: true },
};

async function seedBillingSettings(tx: Tx, nodes: Nodes, users: Map<string, string>, now: Date) {
  for (const [name, p] of Object.entries(PROFILES)) {
    const tenant = nodes.get(name);
    if (!tenant) continue;
    const kind = name === "Northwind Dental Group" ? "ENTERPRISE" : "PRACTICE";
    const plan = planFor(null, kind);
    const { card, ...profile } = p;
    await tx.billingProfile.create({
      data: {
        tenantId: tenant.id,
        ...profile,
        plan,
        // A token of the local test processor's kind; the card itself was never here.
        ...(card ? { cardToken: "tok_seeded000000000000000000", cardBrand: "visa", cardLast4: "4242", cardExpMonth: 12, cardExpYear: now.getUTCFullYear() + 3, cardAddedAt: now } : {}),
        updatedById: users.get(p.contactEmail) ?? null,
      },
    });
    const seats = await seatCount(tx, tenant.id);
    const invoices = [3, 2, 1].map((back) => {
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
      const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 0));
      return {
        tenantId: tenant.id,
        number: `CA-${name.slice(0, 2).toUpperCase()}-${start.toISOString().slice(0, 7).replace("-", "")}`,
        periodStart: start,
        periodEnd: end,
        plan,
        seats: Math.max(1, seats - back + 1),
        amountCents: Math.max(1, seats - back + 1) * PLANS[plan].seatCents,
        status: back === 1 && !card ? "open" : "paid",
        issuedAt: new Date(end.getTime() + 86_400_000),
      };
    });
    await tx.productInvoice.createMany({ data: invoices });
  }
}
