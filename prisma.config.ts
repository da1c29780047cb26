import { defineConfig } from "prisma/config";

// Only `prisma generate` runs on our machines (see README, "Database"): migrations are plain SQL
// applied by lib/db/migrate.ts, so no datasource URL is needed here.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
