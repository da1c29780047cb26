-- Inventory (issue 10): a tenant's product catalogue, stock per location, purchase orders with approval.
CREATE TABLE "inventory_products" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "sku" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "unit" TEXT NOT NULL DEFAULT 'each',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "inventory_products_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "inventory_products_tenant_id_sku_key" ON "inventory_products"("tenant_id", "sku");

CREATE TABLE "inventory_stock" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "node_id" UUID NOT NULL,
  "product_id" UUID NOT NULL,
  "quantity" INTEGER NOT NULL DEFAULT 0,
  "reorder_level" INTEGER NOT NULL DEFAULT 0,
  "updated_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "inventory_stock_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "inventory_stock_node_id_product_id_key" ON "inventory_stock"("node_id", "product_id");
CREATE INDEX "inventory_stock_tenant_id_idx" ON "inventory_stock"("tenant_id");
ALTER TABLE "inventory_stock" ADD CONSTRAINT "inventory_stock_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "inventory_products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "purchase_orders" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "node_id" UUID NOT NULL,
  "product_id" UUID NOT NULL,
  "quantity" INTEGER NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'requested',
  "requested_by_id" UUID NOT NULL,
  "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "approved_by_id" UUID,
  "approved_at" TIMESTAMPTZ(3),
  CONSTRAINT "purchase_orders_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "purchase_orders_node_id_status_idx" ON "purchase_orders"("node_id", "status");
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "inventory_products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
