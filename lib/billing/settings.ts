import { z } from "zod";
import { AppError } from "../api/errors";
import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import { paymentProcessor, type PaymentProcessor } from "./processor";

/**
 * Billing settings (issue 10): the tenant's billing profile with the product (legal name, tax id,
 * billing contact, address), its plan and seats, the product's invoices to it, and the payment
 * method on file. Permission `billing_settings` at the tenant root (owners); every change needs a
 * fresh re-authentication (the actions call requireRecentAuth) and is audited here with before
 * and after. The card itself never reaches this server: the browser tokenizes it at the payment
 * processor and we keep the processor's token, brand, last 4 and expiry (lib/billing/processor.ts).
 */
export const PLANS = {
  practice: { label: "Practice", seatCents: 4_900 },
  enterprise: { label: "Enterprise", seatCents: 3_900 },
} as const;
export type PlanKey = keyof typeof PLANS;

const text = (min: string, max = 200) =>
  z
    .string({ error: min })
    .trim()
    .min(1, min)
    .max(max, `Keep it under ${max} characters.`);

export const billingProfileSchema = z.object({
  tenantId: z.uuid({ error: "Choose an organisation." }),
  legalName: text("Enter the legal name, as registered.").refine((v) => v.length >= 2, "Enter the legal name, as registered."),
  taxId: z
    .string({ error: "Enter the tax ID, like 12-3456789." })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{3,18}[A-Za-z0-9]$/, "Enter the tax ID, like 12-3456789 (letters, digits, spaces and dashes)."),
  contactName: text("Enter who receives the invoices."),
  contactEmail: z.email({ error: "Enter the billing contact's email, like billing@example.com." }).max(320, "Keep it under 320 characters."),
  addressLine1: text("Enter the street address."),
  addressLine2: z.string().trim().max(200, "Keep it under 200 characters.").optional().default(""),
  city: text("Enter the city.", 100),
  region: text("Enter the state or region.", 100),
  postalCode: z
    .string({ error: "Enter the postal code." })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$/, "Enter the postal code, like 98101."),
  country: z
    .string({ error: "Enter the country as two letters, like US." })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "Enter the country as two letters, like US."),
});
export type BillingProfileInput = z.output<typeof billingProfileSchema>;

export const paymentMethodSchema = z.object({
  tenantId: z.uuid({ error: "Choose an organisation." }),
  token: z.string({ error: "Enter the card first." }).regex(/^tok_[0-9A-Za-z]{8,64}$/, "The card wasn't tokenized: enter it again."),
});

export interface Actor {
  userId: string;
  ip?: string | null;
}

const PROFILE_FIELDS = ["legalName", "taxId", "contactName", "contactEmail", "addressLine1", "addressLine2", "city", "region", "postalCode", "country"] as const;
type ProfileFields = Record<(typeof PROFILE_FIELDS)[number], string>;
const profileOf = (row: ProfileFields) => Object.fromEntries(PROFILE_FIELDS.map((k) => [k, row[k]])) as ProfileFields;

export interface CardOnFile {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  addedAt: string | null;
}
const cardOf = (row: { cardBrand: string | null; cardLast4: string | null; cardExpMonth: number | null; cardExpYear: number | null; cardAddedAt?: Date | null } | null): CardOnFile | null =>
  row?.cardBrand && row.cardLast4 && row.cardExpMonth && row.cardExpYear ? { brand: row.cardBrand, last4: row.cardLast4, expMonth: row.cardExpMonth, expYear: row.cardExpYear, addedAt: row.cardAddedAt?.toISOString() ?? null } : null;

/**
 * Seats: the distinct people with a live role in the tenant right now (an accepted binding that
 * has started and not expired, at a node that isn't archived), whose account is active and not
 * deleted, who aren't suspended in this tenant; service accounts and platform staff aren't seats.
 */
export async function seatCount(db: Db | Tx, tenantId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ seats: number }[]>`
    SELECT count(DISTINCT b.user_id)::int AS seats
    FROM role_bindings b
    JOIN org_nodes n ON n.id = b.node_id
    JOIN users u ON u.id = b.user_id
    WHERE n.root_id = ${tenantId}::uuid AND n.archived_at IS NULL
      AND NOT b.pending
      AND (b.expires_at IS NULL OR b.expires_at > now())
      AND (b.starts_at IS NULL OR b.starts_at <= now())
      AND u.status = 'ACTIVE' AND u.deleted_at IS NULL AND NOT u.is_platform_staff
      AND NOT EXISTS (SELECT 1 FROM tenant_suspensions s WHERE s.tenant_id = ${tenantId}::uuid AND s.user_id = b.user_id)
      AND NOT EXISTS (SELECT 1 FROM service_accounts sa WHERE sa.user_id = b.user_id)`;
  return row?.seats ?? 0;
}

export const planFor = (plan: string | null | undefined, tenantKind: string): PlanKey => (plan && plan in PLANS ? (plan as PlanKey) : tenantKind === "ENTERPRISE" ? "enterprise" : "practice");

export interface BillingSettingsView {
  profile: ProfileFields | null;
  plan: { key: PlanKey; label: string; seatCents: number };
  seats: number;
  monthlyCents: number;
  card: CardOnFile | null;
  invoices: { id: string; number: string; periodStart: string; periodEnd: string; seats: number; amountCents: number; status: string; issuedAt: string }[];
  updatedAt: string | null;
}

export async function billingSettings(db: Db | Tx, tenant: { id: string; kind: string }): Promise<BillingSettingsView> {
  const [row, seats, invoices] = await Promise.all([
    db.billingProfile.findUnique({ where: { tenantId: tenant.id } }),
    seatCount(db, tenant.id),
    db.productInvoice.findMany({ where: { tenantId: tenant.id }, orderBy: [{ issuedAt: "desc" }, { id: "asc" }], take: 24 }),
  ]);
  const key = planFor(row?.plan, tenant.kind);
  const plan = { key, ...PLANS[key] };
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    profile: row ? profileOf(row) : null,
    plan,
    seats,
    monthlyCents: seats * plan.seatCents,
    card: cardOf(row),
    invoices: invoices.map((i) => ({ id: i.id, number: i.number, periodStart: day(i.periodStart), periodEnd: day(i.periodEnd), seats: i.seats, amountCents: i.amountCents, status: i.status, issuedAt: i.issuedAt.toISOString() })),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/** Saves the profile; audited with the fields that changed, before and after. */
export async function saveBillingProfile(tx: Tx, actor: Actor, tenant: { id: string; kind: string }, input: BillingProfileInput) {
  const existing = await tx.billingProfile.findUnique({ where: { tenantId: tenant.id } });
  const next = profileOf(input);
  const before = existing ? profileOf(existing) : null;
  const changed = PROFILE_FIELDS.filter((k) => !before || before[k] !== next[k]);
  if (changed.length === 0) return { saved: true, changed: [] as string[] };
  await tx.billingProfile.upsert({
    where: { tenantId: tenant.id },
    create: { tenantId: tenant.id, ...next, plan: planFor(null, tenant.kind), updatedById: actor.userId },
    update: { ...next, updatedById: actor.userId, updatedAt: new Date() },
  });
  const pick = (p: ProfileFields | null) => (p ? Object.fromEntries(changed.map((k) => [k, p[k]])) : null);
  await recordAudit(tx, { tenantId: tenant.id, actorId: actor.userId, action: "billing_settings.profile_updated", targetType: "node", targetId: tenant.id, ip: actor.ip, details: { before: pick(before), after: pick(next), changed } });
  return { saved: true, changed };
}

/**
 * Puts the card behind a processor token on file: the processor (not the browser) says what the
 * token is; we store its token, brand, last 4 and expiry. Audited before/after without the token.
 */
export async function savePaymentMethod(tx: Tx, actor: Actor, tenantId: string, token: string, processor: PaymentProcessor = paymentProcessor()): Promise<CardOnFile> {
  const existing = await tx.billingProfile.findUnique({ where: { tenantId } });
  if (!existing) throw new AppError("invalid", "Save the billing profile first: the card is billed to it.", { token: ["Save the billing profile first."] });
  const card = await processor.retrieveToken(token);
  if (!card) throw new AppError("invalid", "The payment processor doesn't know that card. Enter it again.", { token: ["The card wasn't accepted: enter it again."] });
  const now = new Date();
  await tx.billingProfile.update({
    where: { tenantId },
    data: { cardToken: card.token, cardBrand: card.brand, cardLast4: card.last4, cardExpMonth: card.expMonth, cardExpYear: card.expYear, cardAddedAt: now, updatedById: actor.userId, updatedAt: now },
  });
  const summary = (c: CardOnFile | null) => c && { brand: c.brand, last4: c.last4, expMonth: c.expMonth, expYear: c.expYear };
  const after: CardOnFile = { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear, addedAt: now.toISOString() };
  await recordAudit(tx, { tenantId, actorId: actor.userId, action: "billing_settings.payment_method_updated", targetType: "node", targetId: tenantId, ip: actor.ip, details: { before: summary(cardOf(existing)), after: summary(after) } });
  return after;
}
