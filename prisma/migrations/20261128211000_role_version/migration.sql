-- Optimistic concurrency for custom roles: every save increments "version"; a save from an older
-- version is refused (409) instead of silently overwriting someone else's change.
ALTER TABLE "roles" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;
