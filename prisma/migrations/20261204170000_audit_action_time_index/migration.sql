-- Issue 9: the activity log's capped count for an exact action (or an action family) over a date
-- range, read from the index alone instead of the table.
CREATE INDEX "audit_events_tenant_id_action_created_at_idx" ON "audit_events"("tenant_id", "action", "created_at");
