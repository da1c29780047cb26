-- Issue 15: the shared invalidation signal and the shared rate-limit store.
--
-- Every change that can end a session's or a subject's right to act notifies the channel
-- careaccess_invalidate (NOTIFY is transactional: delivered at COMMIT, never for a rollback), so
-- every app instance drops what it cached for that session, person or tenant (lib/cache/signal.ts).
-- Triggers, not application code: no writer (route, job, script, SQL by hand) can forget it.
-- Payloads: 'session:<id>', 'user:<uuid>', 'tenant:<uuid>', 'all' (a statement touching many people).

CREATE FUNCTION careaccess_notify_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('careaccess_invalidate', 'session:' || (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END));
  RETURN NULL;
END $$;

CREATE TRIGGER sessions_invalidate_update AFTER UPDATE OF revoked_at, expires_at, idle_minutes, reauth_at, user_id ON sessions
  FOR EACH ROW EXECUTE FUNCTION careaccess_notify_session();
CREATE TRIGGER sessions_invalidate_delete AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION careaccess_notify_session();

CREATE FUNCTION careaccess_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('careaccess_invalidate', 'user:' || (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER users_invalidate_update AFTER UPDATE OF status, is_platform_staff, must_change_password, email, name ON users
  FOR EACH ROW EXECUTE FUNCTION careaccess_notify_user();
CREATE TRIGGER users_invalidate_delete AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION careaccess_notify_user();

-- A tenant's bindings, roles or tree changed (lib/authz/load.ts bumpAuthzVersion).
CREATE FUNCTION careaccess_notify_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('careaccess_invalidate', 'tenant:' || NEW.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER org_nodes_invalidate AFTER UPDATE OF authz_version, tree_version ON org_nodes
  FOR EACH ROW EXECUTE FUNCTION careaccess_notify_tenant();

-- Bindings and tenant suspensions: one statement-level trigger per event (transition tables), so a
-- bulk load notifies once per person, or once for everyone past 100 people.
CREATE FUNCTION careaccess_notify_people() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  people int;
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT count(DISTINCT user_id) INTO people FROM old_rows;
    IF people > 100 THEN PERFORM pg_notify('careaccess_invalidate', 'all');
    ELSE PERFORM pg_notify('careaccess_invalidate', 'user:' || u::text) FROM (SELECT DISTINCT user_id AS u FROM old_rows) d;
    END IF;
  ELSE
    SELECT count(DISTINCT user_id) INTO people FROM new_rows;
    IF people > 100 THEN PERFORM pg_notify('careaccess_invalidate', 'all');
    ELSE PERFORM pg_notify('careaccess_invalidate', 'user:' || u::text) FROM (SELECT DISTINCT user_id AS u FROM new_rows) d;
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER role_bindings_invalidate_insert AFTER INSERT ON role_bindings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_people();
CREATE TRIGGER role_bindings_invalidate_update AFTER UPDATE ON role_bindings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_people();
CREATE TRIGGER role_bindings_invalidate_delete AFTER DELETE ON role_bindings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_people();
CREATE TRIGGER tenant_suspensions_invalidate_insert AFTER INSERT ON tenant_suspensions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_people();
CREATE TRIGGER tenant_suspensions_invalidate_update AFTER UPDATE ON tenant_suspensions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_people();
CREATE TRIGGER tenant_suspensions_invalidate_delete AFTER DELETE ON tenant_suspensions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_people();

-- TRUNCATE fires no row or DELETE trigger: it forgets everything.
CREATE FUNCTION careaccess_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('careaccess_invalidate', 'all');
  RETURN NULL;
END $$;

CREATE TRIGGER sessions_invalidate_truncate AFTER TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_all();
CREATE TRIGGER users_invalidate_truncate AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_all();
CREATE TRIGGER role_bindings_invalidate_truncate AFTER TRUNCATE ON role_bindings FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_all();
CREATE TRIGGER tenant_suspensions_invalidate_truncate AFTER TRUNCATE ON tenant_suspensions FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_all();
CREATE TRIGGER org_nodes_invalidate_truncate AFTER TRUNCATE ON org_nodes FOR EACH STATEMENT EXECUTE FUNCTION careaccess_notify_all();

-- rate-limiter-flexible's PostgreSQL store (lib/machine/rate-limit.ts): the API keys' per-minute
-- counts shared by every instance when there is no Redis. Its own layout, created here, not by the library.
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
