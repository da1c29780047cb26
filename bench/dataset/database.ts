import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { syncBuiltinRoles } from "../../lib/roles/builtin";
import { MIGRATIONS, generate, isComplete, type Marker } from "./generate";
import type { DatasetSpec } from "./spec";

export interface Prepared {
  db: Database;
  marker: Marker;
  generated: boolean;
  reason: string;
}

export function adminUrl(url: string): { admin: string; name: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`BENCH_DATABASE_URL: database name "${name}" must be a plain identifier`);
  u.pathname = "/postgres";
  return { admin: u.toString(), name };
}

export async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Reusing a complete dataset: still apply any newer migrations and re-sync the built-in roles. */
async function reuse(db: Database, marker: Marker, log: (m: string) => void): Promise<Prepared> {
  const applied = await migrate(db.sql, MIGRATIONS);
  if (applied.length) log(`  Applied newer migrations to ${db.target.label}: ${applied.join(", ")}`);
  await syncBuiltinRoles(db.prisma);
  return { db, marker, generated: false, reason: "reused (marker complete, counts match)" };
}

/**
 * Opens the benchmark database on the server, creating it when missing and (re)generating the data
 * unless a complete dataset of this scale is already there. A database that has tables but no
 * bench_meta marker is not ours: refuse to touch it.
 */
export async function prepareServer(url: string, spec: DatasetSpec, scale: number, log: (m: string) => void): Promise<Prepared> {
  const { admin, name } = adminUrl(url);
  const created = await withAdmin(admin, async (c) => {
    const found = await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (found.rowCount) return false;
    await c.query(`CREATE DATABASE "${name}"`);
    return true;
  });
  let db = await openDatabase(url);
  const state = await isComplete(db.sql, scale, spec.sizes.patients);
  if (state.ok) return reuse(db, state.marker!, log);

  const reason = created ? "database created" : state.why;
  if (!created) {
    const tables = await db.sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('bench_meta', 'schema_migrations')`,
    );
    if (Number(tables[0].n) > 0) {
      if (!state.marker) throw new Error(`${db.target.label} has tables but no bench_meta marker: not a benchmark database, refusing to overwrite it`);
      log(`  Regenerating ${db.target.label}: ${state.why}; dropping and recreating it`);
      await db.close();
      await withAdmin(admin, async (c) => {
        await c.query(`DROP DATABASE "${name}" WITH (FORCE)`);
        await c.query(`CREATE DATABASE "${name}"`);
      });
      db = await openDatabase(url);
    }
  }
  log(`  Generating into ${db.target.label} (${reason}):`);
  const marker = await generate(db.sql, db.prisma, spec, { scale, patients: spec.sizes.patients, log });
  return { db, marker, generated: true, reason };
}

/** The PGlite copy under bench/.data: the same enterprise with fewer patients. */
export async function preparePglite(dir: string, spec: DatasetSpec, scale: number, patients: number, log: (m: string) => void): Promise<Prepared> {
  const dataRoot = path.dirname(dir);
  mkdirSync(dataRoot, { recursive: true });
  // bench/.data holds generated databases: keep it out of git without touching the root .gitignore.
  if (!existsSync(path.join(dataRoot, ".gitignore"))) writeFileSync(path.join(dataRoot, ".gitignore"), "*\n");
  if (existsSync(dir)) {
    const db = await openDatabase(`pglite:${dir}`);
    const state = await isComplete(db.sql, scale, patients);
    if (state.ok) return reuse(db, state.marker!, log);
    await db.close();
    log(`  Regenerating ${dir}: ${state.why}`);
    rmSync(dir, { recursive: true, force: true });
  }
  const db = await openDatabase(`pglite:${dir}`);
  log(`  Generating into ${db.target.label}:`);
  const marker = await generate(db.sql, db.prisma, spec, { scale, patients, log });
  return { db, marker, generated: true, reason: "generated" };
}
