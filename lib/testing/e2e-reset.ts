import "server-only";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { sharedLoader } from "../authz/load";
import type { Database } from "../db/client";
import { migrate } from "../db/migrate";
import { securityEnv } from "../security/env";
import { seedDemoData } from "../../prisma/seed";

/**
 * Puts the e2e database back to the demo data, so each spec file starts from the same state
 * whatever the files before it changed (2FA on an account, an IP allowlist, a deleted user).
 * Only reachable with the E2E_RESET_TOKEN that scripts/e2e-server.mjs sets; never in production.
 */
export async function resetForE2E(db: Database): Promise<void> {
  // The schema owner can drop everything, the append-only audit table included.
  await db.sql.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
  await migrate(db.sql);
  await seedDemoData(db.prisma);
  sharedLoader(db.prisma).clear();
  // Every instance forgets the sessions and people of the old data (lib/cache/signal.ts).
  await db.sql.exec(`SELECT pg_notify('careaccess_invalidate', 'all')`);
  // Rate-limit counters (failed sign-ins) belong to the old data too.
  (globalThis as { __careaccessLimits?: { limiters: Map<string, unknown> } }).__careaccessLimits?.limiters.clear();
  const mailbox = securityEnv().devMailboxDir;
  if (mailbox) for (const f of await readdir(mailbox).catch(() => [])) await rm(path.join(mailbox, f), { force: true, recursive: true });
}
