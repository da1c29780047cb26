/**
 * Billing settings through their real entry points (runAs on the actions), on PGlite and on
 * PostgreSQL when TEST_DATABASE_URL is set, on the demo seed, with the local test payment processor
 * running as its own process (payment-processor/):
 * - the owner saves the profile and puts a card on file: the card goes to the processor, CareAccess
 *   stores the token, brand, last 4 and expiry only; the number is in no row of ours, audit included;
 * - every change needs a fresh password (a stale re-authentication is refused, nothing changes);
 * - the attacker table: a stranger with a tenant of their own (404), the Manager and Billing (403),
 *   broken input (400 with field messages), forged tokens (400), each with nothing changed;
 * - seats are the tenant's live, active members, counted in SQL.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as profilesRoute from "../../app/api/profiles/route";
import type { Caller } from "../api/handler";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callEntry as call, callerFor, useDatabase } from "../testing/callers";
import { spawnPaymentProcessor, type RunningPaymentProcessor } from "../testing/payment-processor";
import { seedDemoData } from "../../prisma/seed";
import { TEST_CARDS } from "../../payment-processor/server";
import * as actions from "./settings-actions";
import { billingSettings, seatCount } from "./settings";

const PROFILE = {
  legalName: "Northwind Dental Group, Inc.",
  taxId: "91-7654321",
  contactName: "Accounts Payable",
  contactEmail: "ap@northwind.test",
  addressLine1: "1 Harbor Way",
  addressLine2: "Floor 3",
  city: "Seattle",
  region: "WA",
  postalCode: "98104",
  country: "us",
};

describe.each(TEST_DATABASES)("billing settings ($name)", (kind) => {
  let db: TestDatabase;
  let processor: RunningPaymentProcessor;
  let northwind: string;
  const as: Record<string, Caller> = {};

  beforeAll(async () => {
    [db, processor] = await Promise.all([createTestDatabase(kind), spawnPaymentProcessor()]);
    process.env.PAYMENT_PROCESSOR_URL = processor.url;
    process.env.PAYMENT_PROCESSOR_SECRET_KEY = processor.secretKey;
    process.env.PAYMENT_PROCESSOR_PUBLISHABLE_KEY = processor.publishableKey;
    await seedDemoData(db.prisma);
    useDatabase(db);
    northwind = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" } })).id;
    for (const email of ["owner@northwind.test", "manager@northwind.test", "billing@northwind.test", "west.admin@northwind.test"]) as[email.split("@")[0]] = await callerFor(db, email);
  }, 120_000);
  afterAll(async () => {
    delete process.env.PAYMENT_PROCESSOR_URL;
    delete process.env.PAYMENT_PROCESSOR_SECRET_KEY;
    delete process.env.PAYMENT_PROCESSOR_PUBLISHABLE_KEY;
    await Promise.all([db?.destroy(), processor?.stop()]);
  });

  /** What the browser does: post the card to the processor, get a token (or the processor's refusal). */
  const tokenize = async (number: string, extra: Record<string, unknown> = {}) => {
    const res = await fetch(`${processor.url}/v1/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ publishableKey: processor.publishableKey, number, expMonth: 12, expYear: 2031, cvc: "123", ...extra }) });
    return { status: res.status, body: (await res.json()) as { token?: string; brand?: string; last4?: string; error?: { code: string; fields?: Record<string, string[]> } } };
  };
  const state = async () => ({ profile: await db.prisma.billingProfile.findUnique({ where: { tenantId: northwind } }), audits: await db.prisma.auditEvent.count({ where: { action: { startsWith: "billing_settings." } } }) });
  /** Every billing_profiles row and every audit row, as text: where a card number must never appear. */
  const everythingWeStore = async () => JSON.stringify([await db.prisma.billingProfile.findMany(), await db.prisma.auditEvent.findMany()], (_k, v) => (typeof v === "bigint" ? String(v) : v));

  test("the owner saves the billing profile; audited with before and after", async () => {
    const before = await db.prisma.billingProfile.findUniqueOrThrow({ where: { tenantId: northwind } });
    const r = await call(actions.saveBillingProfileAction, { tenantId: northwind, ...PROFILE }, as.owner);
    expect(r).toMatchObject({ ok: true, data: { saved: true } });
    const row = await db.prisma.billingProfile.findUniqueOrThrow({ where: { tenantId: northwind } });
    expect([row.taxId, row.contactEmail, row.country, row.addressLine2]).toEqual(["91-7654321", "ap@northwind.test", "US", "Floor 3"]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "billing_settings.profile_updated", targetId: northwind }, orderBy: { id: "desc" } });
    expect(audit.details).toMatchObject({ before: { taxId: before.taxId, contactEmail: before.contactEmail }, after: { taxId: "91-7654321", contactEmail: "ap@northwind.test" } });
    expect((audit.details as { changed: string[] }).changed).not.toContain("legalName");
  });

  test("a card is tokenized by the processor and only its token, brand, last 4 and expiry are stored; the number is in no row of ours", async () => {
    const { status, body } = await tokenize(TEST_CARDS.visa);
    expect(status).toBe(201);
    const r = await call(actions.savePaymentMethodAction, { tenantId: northwind, token: body.token }, as.owner);
    expect(r).toMatchObject({ ok: true, data: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2031 } });
    const row = await db.prisma.billingProfile.findUniqueOrThrow({ where: { tenantId: northwind } });
    expect([row.cardToken, row.cardBrand, row.cardLast4]).toEqual([body.token, "visa", "4242"]);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "billing_settings.payment_method_updated", targetId: northwind } });
    expect(audit.details).toEqual({ before: null, after: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2031 } });

    // Replacing it: Mastercard; the audit says what was there before.
    const mc = await tokenize(TEST_CARDS.mastercard);
    expect(await call(actions.savePaymentMethodAction, { tenantId: northwind, token: mc.body.token }, as.owner)).toMatchObject({ ok: true, data: { brand: "mastercard", last4: "4444" } });
    const replaced = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "billing_settings.payment_method_updated", targetId: northwind }, orderBy: { id: "desc" } });
    expect(replaced.details).toMatchObject({ before: { brand: "visa", last4: "4242" }, after: { brand: "mastercard", last4: "4444" } });

    const stored = await everythingWeStore();
    for (const number of [TEST_CARDS.visa, TEST_CARDS.mastercard]) {
      expect(stored).not.toContain(number);
      expect(stored).not.toContain(number.slice(0, 12)); // not even most of it
    }
    expect(JSON.stringify(await db.prisma.auditEvent.findMany({ where: { action: { startsWith: "billing_settings." } } }), (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain("tok_");
    const view = await billingSettings(db.prisma, { id: northwind, kind: "ENTERPRISE" });
    expect(view.card).toMatchObject({ brand: "mastercard", last4: "4444" });
  });

  test("the processor refuses a bad number (Luhn) and the decline number; a forged or unknown token is refused by us; nothing changes", async () => {
    const bad = await tokenize("4242424242424241");
    expect([bad.status, bad.body.error?.code, bad.body.error?.fields?.number?.[0]]).toEqual([400, "invalid_card", "That card number isn't valid: check the digits."]);
    const declined = await tokenize(TEST_CARDS.declined);
    expect([declined.status, declined.body.error?.code]).toEqual([402, "card_declined"]);
    const expired = await tokenize(TEST_CARDS.visa, { expYear: 2020 });
    expect(expired.body.error?.fields?.expYear).toEqual(["This card has expired."]);
    const wrongKey = await tokenize(TEST_CARDS.visa, { publishableKey: "pk_test_someone_else" });
    expect(wrongKey.status).toBe(401);

    const before = await state();
    const forged = await call(actions.savePaymentMethodAction, { tenantId: northwind, token: "tok_000000000000000000000000" }, as.owner);
    expect(forged).toMatchObject({ ok: false, code: "invalid", fields: { token: ["The card wasn't accepted: enter it again."] } });
    const malformed = await call(actions.savePaymentMethodAction, { tenantId: northwind, token: "4242424242424242" }, as.owner);
    expect(malformed).toMatchObject({ ok: false, code: "invalid", fields: { token: ["The card wasn't tokenized: enter it again."] } });
    expect(await state()).toEqual(before);
    expect(await everythingWeStore()).not.toContain("4242424242424242");
  });

  test("a stale re-authentication is refused for both changes, with the re-auth field; nothing changes", async () => {
    const stale = await callerFor(db, "owner@northwind.test");
    await db.prisma.session.update({ where: { id: stale.session!.session.id }, data: { reauthAt: new Date(Date.now() - 3 * 3_600_000) } });
    const { body } = await tokenize(TEST_CARDS.amex);
    const before = await state();
    for (const [entry, input] of [
      [actions.saveBillingProfileAction, { tenantId: northwind, ...PROFILE, legalName: "Hijacked Ltd" }],
      [actions.savePaymentMethodAction, { tenantId: northwind, token: body.token }],
    ] as const) {
      const r = await call(entry, input, stale);
      expect(r).toMatchObject({ ok: false, code: "forbidden" });
      expect(r.ok === false && r.fields?.reauth).toBeTruthy();
    }
    expect(await state()).toEqual(before);
  });

  test("a stranger with a tenant of their own gets 404, even with broken input; a Manager or Billing inside the tenant gets 403; nothing changes", async () => {
    const jim = await callerFor(db, "jim@family.test");
    const created = await call(profilesRoute.POST, { kind: "PRACTICE", name: "Jim's Billing Trap", timeZone: "UTC" }, jim);
    expect(created.ok).toBe(true);
    const { body } = await tokenize(TEST_CARDS.visa);
    const before = await state();
    for (const input of [{ tenantId: northwind, ...PROFILE }, { tenantId: northwind, legalName: "" }]) {
      expect(await call(actions.saveBillingProfileAction, input, jim)).toMatchObject({ ok: false, code: "not_found" });
    }
    expect(await call(actions.savePaymentMethodAction, { tenantId: northwind, token: body.token }, jim)).toMatchObject({ ok: false, code: "not_found" });
    // A node below the root is not a tenant: 404 for the owner too.
    const seattle = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Practice" } })).id;
    expect(await call(actions.saveBillingProfileAction, { tenantId: seattle, ...PROFILE }, as.owner)).toMatchObject({ ok: false, code: "not_found" });
    // Northwind's Manager works at Seattle: the enterprise above her place is not hers to see (404).
    expect(await call(actions.saveBillingProfileAction, { tenantId: northwind, ...PROFILE, legalName: "Manager Co" }, as.manager)).toMatchObject({ ok: false, code: "not_found" });
    // Billing holds billing_settings.read at the enterprise, not edit: 403.
    expect(await call(actions.saveBillingProfileAction, { tenantId: northwind, ...PROFILE, legalName: "Billing Co" }, as.billing)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.savePaymentMethodAction, { tenantId: northwind, token: body.token }, as.billing)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await state()).toEqual(before);

    // A Manager of a whole practice tenant (Lakeside), at its root: a member without the right, 403.
    const lakeside = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Lakeside Physio" } })).id;
    const mgr = await db.prisma.user.create({ data: { email: "manager.test@lakeside.test", name: "Lake Manager" } });
    await db.prisma.roleBinding.create({ data: { userId: mgr.id, nodeId: lakeside, roleId: "builtin:manager" } });
    const lakesideBefore = await db.prisma.billingProfile.findUnique({ where: { tenantId: lakeside } });
    const lakeManager = await callerFor(db, "manager.test@lakeside.test");
    expect(await call(actions.saveBillingProfileAction, { tenantId: lakeside, ...PROFILE }, lakeManager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await call(actions.savePaymentMethodAction, { tenantId: lakeside, token: body.token }, lakeManager)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await db.prisma.billingProfile.findUnique({ where: { tenantId: lakeside } })).toEqual(lakesideBefore);
    await db.prisma.user.delete({ where: { id: mgr.id } });
  });

  test("broken input: 400 with a message on each field; nothing changes", async () => {
    const before = await state();
    const r = await call(actions.saveBillingProfileAction, { tenantId: northwind, ...PROFILE, taxId: "x", contactEmail: "not-an-email", country: "USA", postalCode: "", legalName: " " }, as.owner);
    expect(r).toMatchObject({ ok: false, code: "invalid" });
    const fields = r.ok === false ? r.fields! : {};
    expect(fields.taxId?.[0]).toMatch(/tax ID/);
    expect(fields.contactEmail?.[0]).toMatch(/email/);
    expect(fields.country?.[0]).toMatch(/two letters/);
    expect(fields.postalCode?.[0]).toMatch(/postal code/);
    expect(fields.legalName?.[0]).toMatch(/legal name/);
    expect(await state()).toEqual(before);
  });

  test("seats: the tenant's live, active people, counted in SQL (not suspended, not pending, not expired, no service accounts or staff)", async () => {
    const seats = await seatCount(db.prisma, northwind);
    const expected = await db.prisma.user.count({ where: { isPlatformStaff: false, bindings: { some: { node: { rootId: northwind } } } } });
    expect(seats).toBe(expected);
    const patel = await db.prisma.user.findUniqueOrThrow({ where: { email: "dr.patel@northwind.test" } });
    await db.prisma.tenantSuspension.create({ data: { tenantId: northwind, userId: patel.id } });
    const newcomer = await db.prisma.user.create({ data: { email: "invited.person@northwind.test", name: "Invited Person" } });
    await db.prisma.roleBinding.create({ data: { userId: newcomer.id, nodeId: northwind, roleId: "builtin:front_desk", pending: true } });
    const lapsed = await db.prisma.user.create({ data: { email: "lapsed.person@northwind.test", name: "Lapsed Person" } });
    await db.prisma.roleBinding.create({ data: { userId: lapsed.id, nodeId: northwind, roleId: "builtin:front_desk", expiresAt: new Date(Date.now() - 60_000) } });
    expect(await seatCount(db.prisma, northwind)).toBe(seats - 1);
    await db.prisma.tenantSuspension.delete({ where: { tenantId_userId: { tenantId: northwind, userId: patel.id } } });
    const view = await billingSettings(db.prisma, { id: northwind, kind: "ENTERPRISE" });
    expect([view.seats, view.monthlyCents, view.plan.key]).toEqual([seats, seats * 3_900, "enterprise"]);
    expect(view.invoices.length).toBe(3);
  });
});
