-- EM Sync push side (issue 14): the outbox of CareAccess changes to migrated people, and the conflicts.
CREATE TABLE "em_sync_outbox" (
    "id" BIGSERIAL NOT NULL,
    "node_id" UUID NOT NULL,
    "source_practice_id" TEXT NOT NULL,
    "legacy_user_id" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "em_sync_outbox_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "em_sync_outbox_node_id_status_id_idx" ON "em_sync_outbox"("node_id", "status", "id");
CREATE INDEX "em_sync_outbox_node_id_legacy_user_id_changed_at_idx" ON "em_sync_outbox"("node_id", "legacy_user_id", "changed_at");
ALTER TABLE "em_sync_outbox" ADD CONSTRAINT "em_sync_outbox_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "em_sync_conflicts" (
    "id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "legacy_user_id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "local_at" TIMESTAMPTZ(3) NOT NULL,
    "remote_at" TIMESTAMPTZ(3) NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "em_sync_conflicts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "em_sync_conflicts_node_id_created_at_idx" ON "em_sync_conflicts"("node_id", "created_at");
ALTER TABLE "em_sync_conflicts" ADD CONSTRAINT "em_sync_conflicts_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
