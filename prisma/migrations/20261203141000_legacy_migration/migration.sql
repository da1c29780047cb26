-- Legacy migration from the practice system (issue 14): one row per applied run (with what undoes
-- it within the rollback window), and the link from each practice-system person to the account.
CREATE TABLE "legacy_migrations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "source_practice_id" TEXT NOT NULL,
    "report" JSONB NOT NULL DEFAULT '{}',
    "undo" JSONB NOT NULL DEFAULT '{}',
    "applied_by_id" UUID,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rollback_until" TIMESTAMPTZ(3) NOT NULL,
    "rolled_back_at" TIMESTAMPTZ(3),
    CONSTRAINT "legacy_migrations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "legacy_migrations_node_id_idx" ON "legacy_migrations"("node_id");
ALTER TABLE "legacy_migrations" ADD CONSTRAINT "legacy_migrations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "legacy_links" (
    "node_id" UUID NOT NULL,
    "legacy_user_id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "migration_id" UUID NOT NULL,
    "legacy_flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    CONSTRAINT "legacy_links_pkey" PRIMARY KEY ("node_id", "legacy_user_id")
);
CREATE INDEX "legacy_links_user_id_idx" ON "legacy_links"("user_id");
ALTER TABLE "legacy_links" ADD CONSTRAINT "legacy_links_migration_id_fkey" FOREIGN KEY ("migration_id") REFERENCES "legacy_migrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
