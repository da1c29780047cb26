-- Enterprise identity (issue 12, lib/identity, docs/enterprise-identity.md): SSO connections (OIDC,
-- SAML), domain verification, just-in-time accounts, IdP group → role mappings, SCIM and LDAP sync.

-- Domain verification: a TXT record holding the token proves the tenant owns the domain.
ALTER TABLE "tenant_domains" ADD COLUMN "verification_token" TEXT;
ALTER TABLE "tenant_domains" ADD COLUMN "last_checked_at" TIMESTAMPTZ(3);
ALTER TABLE "tenant_domains" ADD COLUMN "last_check_error" TEXT;
-- Password sign-in is refused for this domain's accounts (except break-glass owners): they use this connection.
ALTER TABLE "tenant_domains" ADD COLUMN "require_sso" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "tenant_domains" ADD COLUMN "sso_connection_id" UUID;
-- Break-glass: the tenant's owners may still sign in with a password when SSO is required.
ALTER TABLE "tenant_domains" ADD COLUMN "owners_may_use_password" BOOLEAN NOT NULL DEFAULT true;
-- Only one tenant may hold a domain verified: `verified_domain` is the domain while verified_at is
-- set (kept by the trigger below, whatever code writes the row) and is unique.
ALTER TABLE "tenant_domains" ADD COLUMN "verified_domain" TEXT;
CREATE UNIQUE INDEX "tenant_domains_verified_domain_key" ON "tenant_domains"("verified_domain");
CREATE FUNCTION tenant_domains_verified_domain() RETURNS trigger AS $$
BEGIN
  NEW.verified_domain := CASE WHEN NEW.verified_at IS NULL THEN NULL ELSE NEW.domain END;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tenant_domains_verified_domain BEFORE INSERT OR UPDATE ON "tenant_domains"
  FOR EACH ROW EXECUTE FUNCTION tenant_domains_verified_domain();
UPDATE "tenant_domains" SET "verified_at" = "verified_at";

-- An identity provider a tenant signs its people in with.
CREATE TABLE "sso_connections" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secret_enc" TEXT,
    "jit_enabled" BOOLEAN NOT NULL DEFAULT true,
    "default_role_id" TEXT,
    "default_node_id" UUID,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "sso_connections_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "sso_connections_tenant_id_idx" ON "sso_connections"("tenant_id");
ALTER TABLE "sso_connections" ADD CONSTRAINT "sso_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sso_connections" ADD CONSTRAINT "sso_connections_default_role_id_fkey" FOREIGN KEY ("default_role_id") REFERENCES "roles"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "sso_connections" ADD CONSTRAINT "sso_connections_default_node_id_fkey" FOREIGN KEY ("default_node_id") REFERENCES "org_nodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "tenant_domains" ADD CONSTRAINT "tenant_domains_sso_connection_id_fkey" FOREIGN KEY ("sso_connection_id") REFERENCES "sso_connections"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One sign-in through an IdP: state, nonce and PKCE verifier (OIDC) or the AuthnRequest id (SAML),
-- then the single-use ticket the browser exchanges for a session.
CREATE TABLE "sso_transactions" (
    "id" TEXT NOT NULL,
    "connection_id" UUID NOT NULL,
    "nonce" TEXT,
    "code_verifier_enc" TEXT,
    "request_id" TEXT,
    "assertion_id" TEXT,
    "next_path" TEXT NOT NULL DEFAULT '/',
    "user_id" UUID,
    "browser_hash" TEXT,
    "ticket_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "ticket_used_at" TIMESTAMPTZ(3),
    CONSTRAINT "sso_transactions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "sso_transactions_request_id_key" ON "sso_transactions"("request_id");
CREATE UNIQUE INDEX "sso_transactions_assertion_id_key" ON "sso_transactions"("assertion_id");
CREATE UNIQUE INDEX "sso_transactions_ticket_hash_key" ON "sso_transactions"("ticket_hash");
CREATE INDEX "sso_transactions_expires_at_idx" ON "sso_transactions"("expires_at");
ALTER TABLE "sso_transactions" ADD CONSTRAINT "sso_transactions_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "sso_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sso_transactions" ADD CONSTRAINT "sso_transactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A person's identity at an IdP, SCIM client or directory of one tenant.
CREATE TABLE "external_identities" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "provider_key" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "external_id" TEXT,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "external_identities_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "external_identities_tenant_id_provider_key_subject_key" ON "external_identities"("tenant_id", "provider_key", "subject");
CREATE UNIQUE INDEX "external_identities_tenant_id_provider_key_user_id_key" ON "external_identities"("tenant_id", "provider_key", "user_id");
CREATE INDEX "external_identities_user_id_idx" ON "external_identities"("user_id");
ALTER TABLE "external_identities" ADD CONSTRAINT "external_identities_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "external_identities" ADD CONSTRAINT "external_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- IdP / SCIM / directory group → role at a place; shared by SSO (JIT), SCIM and LDAP.
CREATE TABLE "identity_group_mappings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "group_name" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "node_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "identity_group_mappings_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "identity_group_mappings_tenant_id_group_name_node_id_key" ON "identity_group_mappings"("tenant_id", "group_name", "node_id");
ALTER TABLE "identity_group_mappings" ADD CONSTRAINT "identity_group_mappings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "identity_group_mappings" ADD CONSTRAINT "identity_group_mappings_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "identity_group_mappings" ADD CONSTRAINT "identity_group_mappings_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Role bindings granted by identity sync (mapping or JIT default): only these are taken away when groups change.
CREATE TABLE "identity_bindings" (
    "binding_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    CONSTRAINT "identity_bindings_pkey" PRIMARY KEY ("binding_id")
);
CREATE INDEX "identity_bindings_tenant_id_idx" ON "identity_bindings"("tenant_id");
ALTER TABLE "identity_bindings" ADD CONSTRAINT "identity_bindings_binding_id_fkey" FOREIGN KEY ("binding_id") REFERENCES "role_bindings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- SCIM bearer tokens: only the SHA-256 is stored; shown once.
CREATE TABLE "scim_tokens" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "scim_tokens_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "scim_tokens_token_hash_key" ON "scim_tokens"("token_hash");
CREATE INDEX "scim_tokens_tenant_id_idx" ON "scim_tokens"("tenant_id");
ALTER TABLE "scim_tokens" ADD CONSTRAINT "scim_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- SCIM Groups of a tenant and their members.
CREATE TABLE "scim_groups" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "display_name" TEXT NOT NULL,
    "external_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "scim_groups_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "scim_groups_tenant_id_display_name_key" ON "scim_groups"("tenant_id", "display_name");
ALTER TABLE "scim_groups" ADD CONSTRAINT "scim_groups_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE TABLE "scim_group_members" (
    "group_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    CONSTRAINT "scim_group_members_pkey" PRIMARY KEY ("group_id", "user_id")
);
CREATE INDEX "scim_group_members_user_id_idx" ON "scim_group_members"("user_id");
ALTER TABLE "scim_group_members" ADD CONSTRAINT "scim_group_members_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "scim_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "scim_group_members" ADD CONSTRAINT "scim_group_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- LDAP / Active Directory directories synced into a tenant.
CREATE TABLE "ldap_directories" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "bind_password_enc" TEXT,
    "schedule_minutes" INTEGER NOT NULL DEFAULT 0,
    "next_sync_at" TIMESTAMPTZ(3),
    "last_sync_at" TIMESTAMPTZ(3),
    "last_sync_result" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ldap_directories_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ldap_directories_tenant_id_idx" ON "ldap_directories"("tenant_id");
CREATE INDEX "ldap_directories_next_sync_at_idx" ON "ldap_directories"("next_sync_at");
ALTER TABLE "ldap_directories" ADD CONSTRAINT "ldap_directories_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "org_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
