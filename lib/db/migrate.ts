import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlRunner } from "./client";

/** The migrator's own bookkeeping table; not part of schema.prisma. */
export const MIGRATIONS_TABLE = "schema_migrations";
export const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/migrations");

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** The committed migrations in order (Prisma's layout: <timestamp>_<name>/migration.sql). */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    entries.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies every migration not yet recorded, each in its own transaction with its record, so a
 * failing migration leaves nothing half-applied. A recorded migration whose file changed since is
 * an error: migrations are append-only.
 */
export async function migrate(sql: SqlRunner, dir = MIGRATIONS_DIR): Promise<string[]> {
  await sql.exec(
    `CREATE TABLE IF NOT EXISTS "schema_migrations" ("name" TEXT NOT NULL, "checksum" TEXT NOT NULL,
      "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT "schema_migrations_pkey" PRIMARY KEY ("name"))`,
  );
  const applied = new Map(
    (await sql.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM schema_migrations`)).map((r) => [r.name, r.checksum]),
  );
  const done: string[] = [];
  for (const m of await readMigrations(dir)) {
    const recorded = applied.get(m.name);
    if (recorded) {
      if (recorded !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied; add a new migration instead.`);
      continue;
    }
    await sql.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query(`INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
    });
    done.push(m.name);
  }
  return done;
}
