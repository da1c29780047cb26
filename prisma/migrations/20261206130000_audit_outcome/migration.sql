-- Issue 9: the activity log's "failures" filter from an index. `outcome` is the one definition of
-- an event's outcome: 'failure' when the action ends in _failed, _refused, _denied or _locked,
-- otherwise 'success'. A stored generated column: PostgreSQL computes it in the INSERT that
-- appends the row (recordAudit() and any raw insert alike), and ADD COLUMN fills it for every
-- existing row while rewriting the table (no UPDATE, which the append-only trigger refuses).
-- It is not part of the hash (lib/audit/audit.ts hashes named columns), so old rows still verify.
ALTER TABLE "audit_events" ADD COLUMN "outcome" TEXT NOT NULL
  GENERATED ALWAYS AS (CASE WHEN "action" ~ '_(failed|refused|denied|locked)$' THEN 'failure' ELSE 'success' END) STORED;

-- The page (newest first by id) and the capped count read it from the index, in id order.
CREATE INDEX "audit_events_tenant_id_outcome_id_idx" ON "audit_events"("tenant_id", "outcome", "id");
