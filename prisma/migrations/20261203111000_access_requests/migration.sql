-- Access requests with approval (issue 11, lib/access/requests.ts): a person asks for a role at a
-- place for a period, with a reason; approvers from the policy decide, in one or two steps.
CREATE TABLE "access_requests" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "requester_id" UUID NOT NULL,
    "role_id" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    -- PENDING → APPROVED | DENIED | EXPIRED (unanswered by answer_by) | CANCELLED (by the requester)
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    -- 1: waiting for the place's Manager (or above); 2: waiting for an Owner/Admin.
    "step" INTEGER NOT NULL DEFAULT 1,
    -- [{ "userId", "step", "note", "at" }]
    "approvals" JSONB NOT NULL DEFAULT '[]',
    "decided_by_id" UUID,
    "decision_note" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "answer_by" TIMESTAMPTZ(3) NOT NULL,
    "binding_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "access_requests_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "access_requests_tenant_id_status_idx" ON "access_requests"("tenant_id", "status");
CREATE INDEX "access_requests_requester_id_idx" ON "access_requests"("requester_id");
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
