-- Issue 9: access reviews. An owner schedules a campaign over a place's memberships (quarterly by
-- default); when it opens, every live role binding at the place and below becomes a line that the
-- admins of the line's place certify or revoke (lib/access-reviews/reviews.ts).
CREATE TABLE "access_reviews" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "repeat_months" INTEGER NOT NULL DEFAULT 3,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "opened_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "reminded_at" TIMESTAMPTZ(3),
    "outcome" JSONB,
    CONSTRAINT "access_reviews_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "access_reviews_tenant_id_status_idx" ON "access_reviews"("tenant_id", "status");
CREATE INDEX "access_reviews_status_starts_at_idx" ON "access_reviews"("status", "starts_at");

CREATE TABLE "access_review_lines" (
    "id" UUID NOT NULL,
    "review_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role_id" TEXT NOT NULL,
    "binding_id" UUID NOT NULL,
    "last_sign_in_at" TIMESTAMPTZ(3),
    "inactive" BOOLEAN NOT NULL DEFAULT false,
    "decision" TEXT NOT NULL DEFAULT 'pending',
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "note" TEXT,
    CONSTRAINT "access_review_lines_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "access_review_lines_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "access_reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "access_review_lines_review_id_binding_id_key" ON "access_review_lines"("review_id", "binding_id");
CREATE INDEX "access_review_lines_review_id_node_id_idx" ON "access_review_lines"("review_id", "node_id");
