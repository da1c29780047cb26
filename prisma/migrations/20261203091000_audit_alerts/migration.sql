-- Issue 9: per-tenant alert rules over the audit log, and the alerts they raise (the owners' and admins' inbox).
CREATE TABLE "audit_alert_rules" (
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "threshold" INTEGER NOT NULL,
    "window_minutes" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_alert_rules_pkey" PRIMARY KEY ("tenant_id", "kind")
);
CREATE TABLE "audit_alerts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "subject_key" TEXT,
    "event_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" UUID,
    "note" TEXT,
    CONSTRAINT "audit_alerts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_alerts_tenant_id_acknowledged_at_created_at_idx" ON "audit_alerts"("tenant_id", "acknowledged_at", "created_at");
CREATE INDEX "audit_alerts_tenant_id_kind_created_at_idx" ON "audit_alerts"("tenant_id", "kind", "created_at");
