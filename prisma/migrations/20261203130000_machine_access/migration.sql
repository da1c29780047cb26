-- Machine access (issue 13: lib/machine, docs in README "Machine access"): service accounts,
-- scoped API keys, their hourly usage, and each tenant's default rate limit.

-- A service account is a non-person user row (no password, managed by its tenant) with its own
-- role bindings; this row names it and ties it to its tenant.
CREATE TABLE "service_accounts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "service_accounts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "service_accounts_user_id_key" ON "service_accounts"("user_id");
CREATE INDEX "service_accounts_tenant_id_idx" ON "service_accounts"("tenant_id");
ALTER TABLE "service_accounts" ADD CONSTRAINT "service_accounts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "service_accounts" ADD CONSTRAINT "service_accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- API keys: only the SHA-256 of the secret is stored. The key acts as principal_id (a service
-- account's user or the creator), limited to `permissions` and to what created_by_id still holds.
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "principal_id" UUID NOT NULL,
    "created_by_id" UUID NOT NULL,
    "service_account_id" UUID,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "permissions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "ip_ranges" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rate_limit_per_minute" INTEGER,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "last_used_ip" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys"("secret_hash");
CREATE INDEX "api_keys_tenant_id_idx" ON "api_keys"("tenant_id");
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_principal_id_fkey" FOREIGN KEY ("principal_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_service_account_id_fkey" FOREIGN KEY ("service_account_id") REFERENCES "service_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Requests and errors per key and hour, for the usage chart.
CREATE TABLE "api_key_usage" (
    "key_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "api_key_usage_pkey" PRIMARY KEY ("key_id","hour")
);
ALTER TABLE "api_key_usage" ADD CONSTRAINT "api_key_usage_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A tenant's API settings: the default per-key rate limit (a key may override it).
CREATE TABLE "api_settings" (
    "tenant_id" UUID NOT NULL,
    "rate_limit_per_minute" INTEGER NOT NULL DEFAULT 600,
    CONSTRAINT "api_settings_pkey" PRIMARY KEY ("tenant_id")
);
ALTER TABLE "api_settings" ADD CONSTRAINT "api_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
