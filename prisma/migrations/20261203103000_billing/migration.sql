-- Billing (issue 10): charges, invoices, payments and refunds, per location. Every row names its
-- tenant root and the place it lives at; the policy's where() filters on node_id. Amounts are cents.
-- People and patients are referenced by id only (no foreign keys into shared tables, so merging
-- other helpers' changes to users/patients never conflicts); money rows are never deleted.
CREATE TABLE "billing_invoices" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "node_id" UUID NOT NULL,
  "patient_id" UUID,
  "number" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'open',
  "total_cents" INTEGER NOT NULL DEFAULT 0,
  "paid_cents" INTEGER NOT NULL DEFAULT 0,
  "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "created_by_id" UUID,
  CONSTRAINT "billing_invoices_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "billing_invoices_tenant_id_number_key" ON "billing_invoices"("tenant_id", "number");
CREATE INDEX "billing_invoices_node_id_issued_at_idx" ON "billing_invoices"("node_id", "issued_at");

CREATE TABLE "billing_charges" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "node_id" UUID NOT NULL,
  "patient_id" UUID,
  "invoice_id" UUID,
  "description" TEXT NOT NULL,
  "amount_cents" INTEGER NOT NULL,
  "service_date" DATE NOT NULL,
  "created_by_id" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "billing_charges_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "billing_charges_node_id_service_date_idx" ON "billing_charges"("node_id", "service_date");
CREATE INDEX "billing_charges_invoice_id_idx" ON "billing_charges"("invoice_id");
ALTER TABLE "billing_charges" ADD CONSTRAINT "billing_charges_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "billing_invoices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "billing_payments" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "node_id" UUID NOT NULL,
  "invoice_id" UUID NOT NULL,
  "amount_cents" INTEGER NOT NULL,
  "method" TEXT NOT NULL,
  "refunded_cents" INTEGER NOT NULL DEFAULT 0,
  "processed_by_id" UUID,
  "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "billing_payments_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "billing_payments_node_id_received_at_idx" ON "billing_payments"("node_id", "received_at");
CREATE INDEX "billing_payments_invoice_id_idx" ON "billing_payments"("invoice_id");
ALTER TABLE "billing_payments" ADD CONSTRAINT "billing_payments_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "billing_invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "billing_refunds" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "node_id" UUID NOT NULL,
  "payment_id" UUID NOT NULL,
  "amount_cents" INTEGER NOT NULL,
  "reason" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'requested',
  "requested_by_id" UUID NOT NULL,
  "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "approved_by_id" UUID,
  "approved_at" TIMESTAMPTZ(3),
  "processed_by_id" UUID,
  "processed_at" TIMESTAMPTZ(3),
  CONSTRAINT "billing_refunds_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "billing_refunds_node_id_status_idx" ON "billing_refunds"("node_id", "status");
CREATE INDEX "billing_refunds_payment_id_idx" ON "billing_refunds"("payment_id");
ALTER TABLE "billing_refunds" ADD CONSTRAINT "billing_refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "billing_payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
