-- Issue 9: audit retention per tenant (default 6 years) and the archives that moved events older
-- than it out of the database (lib/audit/archive.ts).
CREATE TABLE "audit_retention" (
    "tenant_id" UUID NOT NULL,
    "years" INTEGER NOT NULL DEFAULT 6,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_retention_pkey" PRIMARY KEY ("tenant_id")
);

-- One row per archive run: the removed prefix of a tenant's chain, and the checkpoint (the hash of
-- the last archived event) that verification of the remaining rows starts from.
CREATE TABLE "audit_archives" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "first_id" BIGINT NOT NULL,
    "last_id" BIGINT NOT NULL,
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "first_prev_hash" TEXT NOT NULL,
    "checkpoint_hash" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_archives_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_archives_tenant_id_last_id_idx" ON "audit_archives"("tenant_id", "last_id");

-- The log stays append-only. The one exception is the archive's own delete: only inside a
-- transaction that has set careaccess.audit_archive (SET LOCAL / set_config(..., true)) to the id
-- of an audit_archives row, and only for rows of that row's tenant within its id range. UPDATE
-- and TRUNCATE are refused as before.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  archive_id TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN
    archive_id := current_setting('careaccess.audit_archive', true);
    IF archive_id IS NOT NULL AND archive_id <> '' THEN
      IF EXISTS (
        SELECT 1 FROM "audit_archives" a
        WHERE a."id"::text = archive_id AND a."tenant_id" = OLD."tenant_id" AND OLD."id" BETWEEN a."first_id" AND a."last_id"
      ) THEN
        RETURN OLD;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
