-- Issue 15: a role-only version on the tenant root. Compiled subjects stay keyed by authz_version and
-- tree_version; the subject loader (lib/authz/load.ts) also keeps each tenant's custom roles and the
-- grant tables built from them, and re-reads the roles only when roles_version moved. A trigger, not
-- application code, bumps it on every INSERT, UPDATE or DELETE of a custom role, so no writer (route,
-- job, script, SQL by hand) can forget it. Built-in roles (tenant_id NULL) are read from code, not rows.

ALTER TABLE "org_nodes" ADD COLUMN "roles_version" INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION careaccess_bump_roles_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.tenant_id IS NOT NULL THEN
    UPDATE org_nodes SET roles_version = roles_version + 1 WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.tenant_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id) THEN
    UPDATE org_nodes SET roles_version = roles_version + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER roles_bump_roles_version AFTER INSERT OR UPDATE OR DELETE ON roles
  FOR EACH ROW EXECUTE FUNCTION careaccess_bump_roles_version();

-- TRUNCATE fires no row trigger: every tenant's roles are gone, so every tenant's version moves.
CREATE FUNCTION careaccess_bump_all_roles_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE org_nodes SET roles_version = roles_version + 1 WHERE parent_id IS NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER roles_bump_roles_version_truncate AFTER TRUNCATE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION careaccess_bump_all_roles_versions();

-- The shared invalidation signal (20261204160000_invalidation_signal) also names the tenant when only
-- its roles_version moved (a role changed by a writer that did not bump authz_version).
DROP TRIGGER org_nodes_invalidate ON org_nodes;
CREATE TRIGGER org_nodes_invalidate AFTER UPDATE OF authz_version, tree_version, roles_version ON org_nodes
  FOR EACH ROW EXECUTE FUNCTION careaccess_notify_tenant();
