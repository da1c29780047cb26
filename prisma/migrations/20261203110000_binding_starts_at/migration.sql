-- Temporary access (issue 11): a role binding may start later than it is created (valid-from).
-- NULL: in force as soon as it exists. Grants nothing before starts_at, nothing from expires_at on.
ALTER TABLE "role_bindings" ADD COLUMN "starts_at" TIMESTAMPTZ(3);
