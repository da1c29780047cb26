-- Billing settings (issue 10): a tenant's billing profile with the product (who is billed, the
-- plan, the payment method on file as the processor's token, brand, last 4 and expiry: never a
-- card number) and the product's monthly invoices to the tenant. Tenants are referenced by id only,
-- like the other billing tables.
CREATE TABLE "billing_profiles" (
  "tenant_id" UUID NOT NULL,
  "legal_name" TEXT NOT NULL,
  "tax_id" TEXT NOT NULL,
  "contact_name" TEXT NOT NULL,
  "contact_email" TEXT NOT NULL,
  "address_line1" TEXT NOT NULL,
  "address_line2" TEXT NOT NULL DEFAULT '',
  "city" TEXT NOT NULL,
  "region" TEXT NOT NULL,
  "postal_code" TEXT NOT NULL,
  "country" TEXT NOT NULL DEFAULT 'US',
  "plan" TEXT NOT NULL DEFAULT 'practice',
  "card_token" TEXT,
  "card_brand" TEXT,
  "card_last4" TEXT,
  "card_exp_month" INTEGER,
  "card_exp_year" INTEGER,
  "card_added_at" TIMESTAMPTZ(3),
  "updated_by_id" UUID,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "billing_profiles_pkey" PRIMARY KEY ("tenant_id")
);

CREATE TABLE "product_invoices" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "number" TEXT NOT NULL,
  "period_start" DATE NOT NULL,
  "period_end" DATE NOT NULL,
  "plan" TEXT NOT NULL,
  "seats" INTEGER NOT NULL,
  "amount_cents" INTEGER NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'open',
  "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "product_invoices_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "product_invoices_number_key" ON "product_invoices"("number");
CREATE INDEX "product_invoices_tenant_id_issued_at_idx" ON "product_invoices"("tenant_id", "issued_at");
