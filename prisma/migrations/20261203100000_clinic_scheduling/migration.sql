-- issue 10 (clinical scheduling): each provider's weekly hours and breaks at a location, and days off.
CREATE TABLE "provider_hours" (
    "id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "weekday" INTEGER NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'work',
    "start_time" TEXT NOT NULL,
    "end_time" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "provider_hours_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "provider_hours_weekday" CHECK ("weekday" BETWEEN 0 AND 6),
    CONSTRAINT "provider_hours_kind" CHECK ("kind" IN ('work', 'break')),
    CONSTRAINT "provider_hours_times" CHECK ("start_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "end_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND "end_time" > "start_time")
);
CREATE INDEX "provider_hours_provider_id_node_id_weekday_idx" ON "provider_hours"("provider_id", "node_id", "weekday");
CREATE INDEX "provider_hours_node_id_idx" ON "provider_hours"("node_id");

CREATE TABLE "provider_days_off" (
    "id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "provider_days_off_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "provider_days_off_provider_id_node_id_day_key" ON "provider_days_off"("provider_id", "node_id", "day");
CREATE INDEX "provider_days_off_node_id_idx" ON "provider_days_off"("node_id");

ALTER TABLE "provider_hours" ADD CONSTRAINT "provider_hours_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "provider_hours" ADD CONSTRAINT "provider_hours_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "provider_days_off" ADD CONSTRAINT "provider_days_off_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "provider_days_off" ADD CONSTRAINT "provider_days_off_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
