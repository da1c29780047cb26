-- Calls (issue 10): the call log per location; each call's AI transcription is a task for its assignee.
CREATE TABLE "calls" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "node_id" UUID NOT NULL,
  "caller_name" TEXT NOT NULL,
  "caller_phone" TEXT NOT NULL,
  "patient_id" UUID,
  "started_at" TIMESTAMPTZ(3) NOT NULL,
  "duration_seconds" INTEGER NOT NULL DEFAULT 0,
  "transcript" TEXT NOT NULL DEFAULT '',
  "summary" TEXT NOT NULL DEFAULT '',
  "status" TEXT NOT NULL DEFAULT 'open',
  "assignee_id" UUID,
  "handled_at" TIMESTAMPTZ(3),
  CONSTRAINT "calls_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "calls_node_id_started_at_idx" ON "calls"("node_id", "started_at");
CREATE INDEX "calls_assignee_id_status_idx" ON "calls"("assignee_id", "status");
