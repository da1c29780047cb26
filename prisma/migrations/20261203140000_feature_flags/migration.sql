-- Feature flags per tenant (issue 14): on/off and the roles that don't see the feature.
-- A tenant without a row for a flag falls back to its root's feature_flags JSON (the value it was
-- created with), then to the flag's default.
CREATE TABLE "feature_flags" (
    "tenant_id" UUID NOT NULL,
    "flag" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "hidden_role_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "feature_flags_pkey" PRIMARY KEY ("tenant_id", "flag")
);
ALTER TABLE "feature_flags" ADD CONSTRAINT "feature_flags_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
