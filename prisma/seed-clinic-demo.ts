import type { Tx } from "../lib/db/client";
import { planFor, PLANS, seatCount } from "../lib/billing/settings";

/**
 * Clinic demo data, the rest of issue 10: the billing settings of Northwind and Lakeside (a profile
 * each, Lakeside with a test card on file, Northwind without one so an owner can add it) and three
 * months of CareAccess invoices to each. Called once from seedDemoData(), after the other clinic seeds.
 */
type Nodes = Map<string, { id: string; rootId: string }>;

export async function seedClinicDemo(tx: Tx, nodes: Nodes, users: Map<string, string>, now = new Date()): Promise<void> {
  await seedBillingSettings(tx, nodes, users, now);
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
