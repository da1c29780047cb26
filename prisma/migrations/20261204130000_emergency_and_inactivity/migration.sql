-- Issue 11, second half (lib/access/emergency.ts, lib/access/inactivity.ts, lib/access/contractors.ts):
-- break-glass emergency access, inactivity expiry of memberships, contractor end dates.

-- A tenant's temporary-access policy. No row: the defaults (break-glass on for Providers, 60 minutes;
-- inactivity expiry off).
CREATE TABLE "access_settings" (
    "tenant_id" UUID NOT NULL,
    "break_glass_enabled" BOOLEAN NOT NULL DEFAULT true,
    "break_glass_minutes" INTEGER NOT NULL DEFAULT 60,
    -- role ids (built-in or this tenant's custom roles) whose holders may declare an emergency
    "break_glass_role_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    -- memberships unused this many days are suspended; NULL: off
    "inactivity_days" INTEGER,
    "inactivity_warn_days" INTEGER NOT NULL DEFAULT 7,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "access_settings_pkey" PRIMARY KEY ("tenant_id")
);
ALTER TABLE "access_settings" ADD CONSTRAINT "access_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One emergency (break-glass) grant: the loader compiles it into a binding that is live in
-- [starts_at, ends_at) (or until ended_at), at node_id, restricted to patient_id when set.
CREATE TABLE "emergency_accesses" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "patient_id" UUID,
    "reason" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    -- PENDING (until reviewed) → JUSTIFIED | NOT_JUSTIFIED
    "review_status" TEXT NOT NULL DEFAULT 'PENDING',
    "reviewed_by_id" UUID,
    "review_note" TEXT,
    "reviewed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "emergency_accesses_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "emergency_accesses_user_id_ends_at_idx" ON "emergency_accesses"("user_id", "ends_at");
CREATE INDEX "emergency_accesses_tenant_id_review_status_idx" ON "emergency_accesses"("tenant_id", "review_status");
ALTER TABLE "emergency_accesses" ADD CONSTRAINT "emergency_accesses_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "emergency_accesses" ADD CONSTRAINT "emergency_accesses_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- When a person last used their membership of a tenant (a page or an API call there), and when the
-- inactivity warning went out.
CREATE TABLE "membership_activity" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL,
    "warned_at" TIMESTAMPTZ(3),
    CONSTRAINT "membership_activity_pkey" PRIMARY KEY ("tenant_id", "user_id")
);
ALTER TABLE "membership_activity" ADD CONSTRAINT "membership_activity_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "membership_activity" ADD CONSTRAINT "membership_activity_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A contractor of a tenant: every binding of theirs there ends by ends_at (the loader caps it).
CREATE TABLE "contractors" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "set_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "contractors_pkey" PRIMARY KEY ("tenant_id", "user_id")
);
ALTER TABLE "contractors" ADD CONSTRAINT "contractors_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "contractors" ADD CONSTRAINT "contractors_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
