-- Custom roles record the node they were defined at: a role defined at the enterprise may be
-- changed only by someone who manages roles there (lib/authz/rules.ts, canChangeRole), not by a
-- region admin who can read it. Existing custom roles were defined at their tenant root.
ALTER TABLE "roles" ADD COLUMN "node_id" UUID;
UPDATE "roles" SET "node_id" = "tenant_id" WHERE "tenant_id" IS NOT NULL;
