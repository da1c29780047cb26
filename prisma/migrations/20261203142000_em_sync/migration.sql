-- EM Sync per practice (issue 14): on/off, the change-feed cursor and the status panel's figures.
CREATE TABLE "em_sync_states" (
    "node_id" UUID NOT NULL,
    "source_practice_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "cursor" BIGINT NOT NULL DEFAULT 0,
    "last_sync_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "em_sync_states_pkey" PRIMARY KEY ("node_id")
);
ALTER TABLE "em_sync_states" ADD CONSTRAINT "em_sync_states_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
