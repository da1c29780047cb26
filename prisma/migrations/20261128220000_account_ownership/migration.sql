-- Accounts belong to people, memberships to tenants (README, "Security: who may touch an account").

-- The tenant that manages an account: the one that created it (Add User, a first invitation). Null:
-- the person manages it alone (a self-created care profile, a person invited by several tenants).
ALTER TABLE "users" ADD COLUMN "managed_by_tenant_id" UUID;
ALTER TABLE "users" ADD CONSTRAINT "users_managed_by_tenant_id_fkey" FOREIGN KEY ("managed_by_tenant_id") REFERENCES "org_nodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "users_managed_by_tenant_id_idx" ON "users"("managed_by_tenant_id");

-- Email domains a tenant has proved it owns: its admins manage every account with such an email.
CREATE TABLE "tenant_domains" (
    "tenant_id" UUID NOT NULL,
    "domain" TEXT NOT NULL,
    "verified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tenant_domains_pkey" PRIMARY KEY ("tenant_id", "domain")
);
CREATE INDEX "tenant_domains_domain_idx" ON "tenant_domains"("domain");
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A role offered by an invitation and not yet accepted: it grants nothing until the person accepts.
ALTER TABLE "role_bindings" ADD COLUMN "pending" BOOLEAN NOT NULL DEFAULT false;

-- A person suspended in one tenant: their bindings there grant nothing; their account is untouched.
CREATE TABLE "tenant_suspensions" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "suspended_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tenant_suspensions_pkey" PRIMARY KEY ("tenant_id", "user_id")
);
CREATE INDEX "tenant_suspensions_user_id_idx" ON "tenant_suspensions"("user_id");
ALTER TABLE "tenant_suspensions" ADD CONSTRAINT "tenant_suspensions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenant_suspensions" ADD CONSTRAINT "tenant_suspensions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenant_suspensions" ADD CONSTRAINT "tenant_suspensions_suspended_by_id_fkey" FOREIGN KEY ("suspended_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
