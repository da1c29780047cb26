-- Issue 9: who/where/how in every audit row, and the indexes the activity log filters on.
ALTER TABLE "audit_events" ADD COLUMN "node_id" UUID;
ALTER TABLE "audit_events" ADD COLUMN "user_agent" TEXT;
ALTER TABLE "audit_events" ADD COLUMN "session_id" TEXT;
ALTER TABLE "audit_events" ADD COLUMN "via" TEXT;
ALTER TABLE "audit_events" ADD COLUMN "credential_id" TEXT;
ALTER TABLE "audit_events" ADD COLUMN "on_behalf_of" UUID;
CREATE INDEX "audit_events_tenant_id_action_id_idx" ON "audit_events"("tenant_id", "action", "id");
CREATE INDEX "audit_events_tenant_id_target_type_target_id_id_idx" ON "audit_events"("tenant_id", "target_type", "target_id", "id");
CREATE INDEX "audit_events_node_id_id_idx" ON "audit_events"("node_id", "id");
