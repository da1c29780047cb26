/**
 * Billing through its real entry points (runAs on the actions and routes), on PGlite and on
 * PostgreSQL when TEST_DATABASE_URL is set, on the demo seed (prisma/seed-billing.ts):
 * - refund approval limits come from the role's conditions: the Manager approves under $200 only,
 *   the Owner any amount; Billing can request and process but never approve;
 * - separation of duties from the policy: nobody approves their own request, nor processes a
 *   refund they approved; the refusal carries the policy's reason;
 * - the report export needs billing_reports.export and is audited;
 * - the attacker table: a stranger with a tenant of their own (404), a lower role (403), broken
 *   input (400 with field messages), each with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as profilesRoute from "../../app/api/profiles/route";
import * as exportRoute from "../../app/api/billing/[nodeId]/report/export/route";
import * as invoicesRoute from "../../app/api/billing/[nodeId]/invoices/route";
import * as refundsRoute from "../../app/api/billing/[nodeId]/refunds/route";
import { runAs, type Caller } from "../api/handler";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry as call, callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import * as actions from "./actions";
import type { RefundView } from "./billing";


describe.each(TEST_DATABASES)("billing ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const users = new Map<string, string>();
  const as: Record<string, Caller> = {};
  let downtown: string, seattle: string, northwind: string, portland: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) users.set(u.email.split("@")[0], u.id);
    [downtown, seattle, northwind, portland] = ["Seattle Downtown", "Seattle Practice", "Northwind Dental Group", "Portland Practice"].map((n) => nodes.get(n)!);
    for (const email of ["owner@northwind.test", "manager@northwind.test", "billing@northwind.test", "dr.lee@northwind.test", "consultant@northwind.test"]) {
      as[email.split("@")[0]] = await callerFor(db, email);
    }
  });
  afterAll(async () => db?.destroy());

  const refundByReason = async (reason: string) => db.prisma.billingRefund.findFirstOrThrow({ where: { reason } });
  const refundsState = async () => db.prisma.billingRefund.findMany({ orderBy: { id: "asc" } });
  const samePaymentRefundable = async () => {
    const payment = await db.prisma.billingPayment.findFirstOrThrow({ where: { nodeId: downtown, refunds: { none: {} } }, orderBy: { id: "asc" } });
    return payment;
  };

  test("the Manager approves a refund under $200 and is refused above it, with the policy's reason; the Owner approves any amount", async () => {
    const small = await refundByReason("Insurance covered part of the visit"); // $80
    const large = await refundByReason("Treatment cancelled after payment"); // $250
    const refused = await call(actions.approveRefundAction, { nodeId: seattle, refundId: large.id }, as.manager);
    expect(refused).toMatchObject({ ok: false, code: "forbidden" });
    expect(refused.ok === false && refused.message).toMatch(/200/);
    expect((await db.prisma.billingRefund.findUniqueOrThrow({ where: { id: large.id } })).status).toBe("requested");

    expect(await call(actions.approveRefundAction, { nodeId: seattle, refundId: small.id }, as.manager)).toEqual({ ok: true, data: { id: small.id, status: "approved" } });
    const approved = await db.prisma.billingRefund.findUniqueOrThrow({ where: { id: small.id } });
    expect([approved.status, approved.approvedById]).toEqual(["approved", users.get("manager")]);
    expect(await db.prisma.auditEvent.count({ where: { action: "refund.approved", targetId: small.id, actorId: users.get("manager") } })).toBe(1);

    const byOwner = await call(actions.approveRefundAction, { nodeId: northwind, refundId: large.id }, as.owner);
    expect(byOwner).toMatchObject({ ok: true, data: { status: "approved" } });
  });

  test("Billing requests and processes but can't approve; nobody approves their own request, nor processes what they approved", async () => {
    const payment = await samePaymentRefundable();
    const requested = await call(actions.requestRefundAction, { nodeId: downtown, paymentId: payment.id, amount: "20.00", reason: "Overcharged copay" }, as.billing);
    expect(requested.ok).toBe(true);
    const id = requested.ok && requested.data.id;
    // Billing has no refunds.approve at all: 403 with the policy's reason.
    expect(await call(actions.approveRefundAction, { nodeId: downtown, refundId: id }, as.billing)).toMatchObject({ ok: false, code: "forbidden" });

    // The Manager's own request ($50): the Manager may approve $50 in general, not this one.
    const own = await refundByReason("Goodwill credit for a long wait");
    const sod = await call(actions.approveRefundAction, { nodeId: seattle, refundId: own.id }, as.manager);
    expect(sod).toEqual({ ok: false, code: "forbidden", message: "Separation of duties: the person who requested a refund can't approve it.", fields: undefined });
    // The list shows the same reason beside the refund.
    const list = (await call(refundsRoute.GET, { nodeId: seattle }, as.manager)) as { ok: true; data: RefundView[] };
    expect(list.data.find((r) => r.id === own.id)?.approve).toEqual({ allowed: false, reason: "Separation of duties: the person who requested a refund can't approve it." });
    expect(list.data.find((r) => r.id === id)?.approve.allowed).toBe(true);

    // The Owner approves Billing's request, then may not process it; Billing may.
    expect((await call(actions.approveRefundAction, { nodeId: northwind, refundId: id }, as.owner)).ok).toBe(true);
    const noProcess = await call(actions.processRefundAction, { nodeId: northwind, refundId: id }, as.owner);
    expect(noProcess).toMatchObject({ ok: false, code: "forbidden", message: "Separation of duties: the person who approved a refund can't also process it." });
    expect(await call(actions.processRefundAction, { nodeId: northwind, refundId: id }, as.billing)).toEqual({ ok: true, data: { id, status: "processed" } });
    expect((await db.prisma.billingPayment.findUniqueOrThrow({ where: { id: payment.id } })).refundedCents).toBe(2000);
    // Processed once: a second attempt is a conflict, not a second payout.
    expect(await call(actions.processRefundAction, { nodeId: northwind, refundId: id }, as.billing)).toMatchObject({ ok: false, code: "conflict" });
    expect((await db.prisma.billingPayment.findUniqueOrThrow({ where: { id: payment.id } })).refundedCents).toBe(2000);

    // The Owner's own request: not approvable by the Owner either.
    const mine = await call(actions.requestRefundAction, { nodeId: downtown, paymentId: payment.id, amount: 10, reason: "Owner's courtesy credit" }, as.owner);
    expect(await call(actions.approveRefundAction, { nodeId: downtown, refundId: mine.ok && mine.data.id }, as.owner)).toMatchObject({ ok: false, message: /Separation of duties/ });
  });

  test("a refund can't exceed what is left of the payment (400 with the field)", async () => {
    const northgate = nodes.get("Seattle Northgate")!;
    const payment = await db.prisma.billingPayment.findFirstOrThrow({ where: { nodeId: northgate, refunds: { none: {} } } });
    const tooMuch = await call(actions.requestRefundAction, { nodeId: northgate, paymentId: payment.id, amount: payment.amountCents / 100 + 1, reason: "Too much" }, as.billing);
    expect(tooMuch).toMatchObject({ ok: false, code: "invalid", fields: { amount: [expect.stringMatching(/^At most \$/)] } });
    expect(await db.prisma.billingRefund.count({ where: { paymentId: payment.id } })).toBe(0);
  });

  test("the report export needs billing_reports.export: refused without it (nothing audited), CSV with it (audited)", async () => {
    const period = { from: "2026-01-01", to: "2026-12-31" };
    const audits = () => db.prisma.auditEvent.count({ where: { action: "billing_report.export" } });
    const before = await audits();
    // The Manager has no billing reports; the Consultant reads them on East Region but can't export.
    expect(await call(exportRoute.GET, { nodeId: seattle, ...period }, as.manager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(exportRoute.GET, { nodeId: nodes.get("East Region")!, ...period }, as.consultant)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await audits()).toBe(before);

    const ok = await call(exportRoute.GET, { nodeId: northwind, from: "2020-01-01", to: "2030-12-31" }, as.billing);
    expect(ok.ok).toBe(true);
    const response = (ok as { data: Response }).data;
    expect(response.headers.get("content-type")).toContain("text/csv");
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toBe("Location,Charges,Charged,Invoices,Collected,Refunded,Net");
    expect(lines.map((l) => l.split(",")[0])).toEqual(expect.arrayContaining(["Seattle Downtown", "Portland Pearl District", "Boston Back Bay"]));
    expect(lines.some((l) => l.startsWith("Lakeside"))).toBe(false);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "billing_report.export" }, orderBy: { id: "desc" } });
    expect([audit.actorId, audit.tenantId, audit.details]).toEqual([users.get("billing"), northwind, { format: "csv", count: lines.length - 1, from: "2020-01-01", to: "2030-12-31" }]);
  });

  test("lists are the policy's: the Manager sees Seattle's invoices, Billing the enterprise's, Lakeside none of Northwind's", async () => {
    const seattleCount = await db.prisma.billingInvoice.count({ where: { nodeId: { in: [downtown, nodes.get("Seattle Northgate")!] } } });
    const allNorthwind = await db.prisma.billingInvoice.count({ where: { tenantId: northwind } });
    const m = await call(invoicesRoute.GET, { nodeId: seattle }, as.manager);
    expect(m).toMatchObject({ ok: true, data: { total: seattleCount } });
    expect(seattleCount).toBeGreaterThan(0);
    const b = await call(invoicesRoute.GET, { nodeId: northwind }, as.billing);
    expect(b).toMatchObject({ ok: true, data: { total: allNorthwind } });
    expect(allNorthwind).toBeGreaterThan(seattleCount);
    // Search by patient name, in SQL.
    const s = await call(invoicesRoute.GET, { nodeId: northwind, q: "lovelace" }, as.billing);
    expect(s.ok && s.data.rows.map((r: { patient: string }) => r.patient)).toEqual(["Ada Lovelace"]);
    // The Manager at Portland is Front Desk: no invoices there (403).
    expect(await call(invoicesRoute.GET, { nodeId: portland }, as.manager)).toMatchObject({ ok: false, code: "forbidden" });
  });

  test("a stranger with a tenant of their own gets 404 for every billing entry point on Northwind, and nothing changes", async () => {
    const jim = await callerFor(db, "jim@family.test");
    const created = await call(profilesRoute.POST, { kind: "PRACTICE", name: "Jim's Clinic", timeZone: "UTC" }, jim);
    const trap = (created as { data: { id: string } }).data.id;
    const before = await refundsState();
    const refund = await refundByReason("Charged twice for X-rays");
    const payment = await db.prisma.billingPayment.findFirstOrThrow({ where: { nodeId: downtown } });
    const invoice = await db.prisma.billingInvoice.findFirstOrThrow({ where: { nodeId: downtown } });
    for (const nodeId of [downtown, northwind, trap]) {
      for (const [entry, input] of [
        [actions.approveRefundAction, { nodeId, refundId: refund.id }],
        [actions.processRefundAction, { nodeId, refundId: refund.id }],
        [actions.denyRefundAction, { nodeId, refundId: refund.id }],
        [actions.requestRefundAction, { nodeId, paymentId: payment.id, amount: 1, reason: "steal" }],
        [actions.recordPaymentAction, { nodeId, invoiceId: invoice.id, amount: 1, method: "cash" }],
      ] as const) {
        expect(await call(entry, input, jim)).toMatchObject({ ok: false, code: "not_found" });
      }
      if (nodeId === trap) continue;
      for (const entry of [invoicesRoute.GET, refundsRoute.GET]) expect(await call(entry, { nodeId }, jim)).toMatchObject({ ok: false, code: "not_found" });
      expect(await call(exportRoute.GET, { nodeId, from: "2026-01-01", to: "2026-12-31" }, jim)).toMatchObject({ ok: false, code: "not_found" });
      // Even broken input answers 404 first at a place the stranger can't reach.
      expect(await call(actions.createChargeAction, { nodeId, amount: "lots" }, jim)).toMatchObject({ ok: false, code: "not_found" });
    }
    expect(await refundsState()).toEqual(before);
  });

  test("another tenant's owner: 404 on Northwind's refunds and lists", async () => {
    const refund = await refundByReason("Charged twice for X-rays");
    const before = await refundsState();
    const caller = await callerFor(db, "owner@lakeside.test");
    expect(await call(actions.processRefundAction, { nodeId: downtown, refundId: refund.id }, caller)).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(actions.processRefundAction, { nodeId: nodes.get("Lakeside Downtown")!, refundId: refund.id }, caller)).toMatchObject({ ok: false, code: "not_found" });
    expect(await call(invoicesRoute.GET, { nodeId: northwind }, caller)).toMatchObject({ ok: false, code: "not_found" });
    expect(await refundsState()).toEqual(before);
  });

  test("a lower role gets 403: a Provider on invoices and refunds, the Manager on creating charges; nothing written", async () => {
    const charges = await db.prisma.billingCharge.count();
    const patient = await db.prisma.patient.findFirstOrThrow({ where: { nodeId: downtown } });
    expect(await call(invoicesRoute.GET, { nodeId: seattle }, as["dr.lee"])).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(refundsRoute.GET, { nodeId: seattle }, as["dr.lee"])).toMatchObject({ ok: false, code: "forbidden" });
    const refund = await refundByReason("Charged twice for X-rays");
    expect(await call(actions.processRefundAction, { nodeId: seattle, refundId: refund.id }, as["dr.lee"])).toMatchObject({ ok: false, code: "forbidden" });
    // The Manager reads charges but doesn't create them; nor processes refunds.
    expect(await call(actions.createChargeAction, { nodeId: downtown, patientId: patient.id, description: "Cleaning", amount: "120", serviceDate: "2026-12-01" }, as.manager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.processRefundAction, { nodeId: seattle, refundId: refund.id }, as.manager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await db.prisma.billingCharge.count()).toBe(charges);
    expect((await db.prisma.billingRefund.findUniqueOrThrow({ where: { id: refund.id } })).status).toBe("approved");
  });

  test("broken input is 400 with field messages, and nothing is written; good input charges, invoices and pays", async () => {
    const charges = await db.prisma.billingCharge.count();
    const bad = await call(actions.createChargeAction, { nodeId: downtown, patientId: "nope", description: "", amount: "-5", serviceDate: "2026-02-30" }, as.billing);
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    const fields = (bad as { fields: Record<string, string[]> }).fields;
    expect(Object.keys(fields).sort()).toEqual(["amount", "description", "patientId", "serviceDate"]);
    expect(fields.amount[0]).toBe("The amount must be more than $0.");
    expect(await call(actions.createChargeAction, { nodeId: downtown, patientId: crypto.randomUUID(), description: "Cleaning", amount: "12.345", serviceDate: "2026-12-01" }, as.billing)).toMatchObject({ ok: false, code: "invalid", fields: { amount: [expect.stringMatching(/cents/)] } });
    // A patient of another location (Portland) can't be charged at Seattle Downtown.
    const elsewhere = await db.prisma.patient.findFirstOrThrow({ where: { nodeId: nodes.get("Portland Pearl District")! } });
    expect(await call(actions.createChargeAction, { nodeId: downtown, patientId: elsewhere.id, description: "Cleaning", amount: "120", serviceDate: "2026-12-01" }, as.billing)).toMatchObject({ ok: false, code: "invalid", fields: { patientId: expect.any(Array) } });
    expect(await db.prisma.billingCharge.count()).toBe(charges);

    const patient = await db.prisma.patient.findFirstOrThrow({ where: { nodeId: downtown, lastName: "Hopper" } });
    expect((await call(actions.createChargeAction, { nodeId: downtown, patientId: patient.id, description: "Crown", amount: "450.50", serviceDate: "2026-12-02" }, as.billing)).ok).toBe(true);
    const inv = await call(actions.createInvoiceAction, { nodeId: downtown, patientId: patient.id }, as.billing);
    expect(inv).toMatchObject({ ok: true, data: { totalCents: expect.any(Number) } });
    const invoiceId = inv.ok && inv.data.id;
    const total = inv.ok && inv.data.totalCents;
    expect(await call(actions.recordPaymentAction, { nodeId: downtown, invoiceId, amount: total / 100 + 1, method: "card" }, as.billing)).toMatchObject({ ok: false, code: "invalid", fields: { amount: expect.any(Array) } });
    expect(await call(actions.recordPaymentAction, { nodeId: downtown, invoiceId, amount: total / 100, method: "bitcoin" }, as.billing)).toMatchObject({ ok: false, code: "invalid", fields: { method: expect.any(Array) } });
    expect((await call(actions.recordPaymentAction, { nodeId: downtown, invoiceId, amount: total / 100, method: "card" }, as.billing)).ok).toBe(true);
    expect(await db.prisma.billingInvoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: "paid", paidCents: total });
    expect(await db.prisma.auditEvent.count({ where: { actorId: users.get("billing"), action: { in: ["charge.created", "invoice.created", "payment.recorded"] } } })).toBe(3);
  });
});
