-- Care team: shifts, weekly availability and the care log of a care profile (docs/care-team.md).

CREATE TABLE "care_shifts" (
    "id" UUID NOT NULL,
    "profile_id" UUID NOT NULL,
    "assignee_id" UUID,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "title" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "care_shifts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "care_shifts_ends_after_start" CHECK ("ends_at" > "starts_at")
);
CREATE INDEX "care_shifts_profile_id_starts_at_idx" ON "care_shifts"("profile_id", "starts_at");
CREATE INDEX "care_shifts_assignee_id_starts_at_idx" ON "care_shifts"("assignee_id", "starts_at");

CREATE TABLE "care_availability" (
    "id" UUID NOT NULL,
    "profile_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "weekday" INTEGER NOT NULL,
    "start_time" TEXT NOT NULL,
    "end_time" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "care_availability_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "care_availability_weekday" CHECK ("weekday" BETWEEN 0 AND 6),
    CONSTRAINT "care_availability_times" CHECK ("start_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "end_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "end_time" > "start_time")
);
CREATE UNIQUE INDEX "care_availability_user_id_profile_id_weekday_start_time_key" ON "care_availability"("user_id", "profile_id", "weekday", "start_time");
CREATE INDEX "care_availability_profile_id_weekday_idx" ON "care_availability"("profile_id", "weekday");

CREATE TABLE "care_events" (
    "id" UUID NOT NULL,
    "profile_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "sensitive" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "care_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "care_events_profile_id_occurred_at_idx" ON "care_events"("profile_id", "occurred_at");
CREATE INDEX "care_events_author_id_occurred_at_idx" ON "care_events"("author_id", "occurred_at");

ALTER TABLE "care_shifts" ADD CONSTRAINT "care_shifts_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "care_shifts" ADD CONSTRAINT "care_shifts_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "care_shifts" ADD CONSTRAINT "care_shifts_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "care_availability" ADD CONSTRAINT "care_availability_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "care_availability" ADD CONSTRAINT "care_availability_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "care_events" ADD CONSTRAINT "care_events_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "care_events" ADD CONSTRAINT "care_events_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
