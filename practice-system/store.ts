import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * The practice system's own database (not CareAccess's): PGlite on a directory (or in memory), or
 * a schema of its own in a PostgreSQL database. One tiny query interface over both.
 */
export interface Store {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn in one transaction (the change feed row and the record change commit together). */
  transaction<R>(fn: (q: Store["query"]) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS practices (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS memberships (
  practice_id TEXT NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  flags TEXT[] NOT NULL DEFAULT '{}',
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, user_id)
);
CREATE TABLE IF NOT EXISTS changes (
  seq BIGSERIAL PRIMARY KEY,
  practice_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  op TEXT NOT NULL,
  data JSONB NOT NULL,
  origin TEXT,
  at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS idempotency_keys (key TEXT PRIMARY KEY, response JSONB NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now());
`;

export async function openStore(opts: { dataDir?: string; databaseUrl?: string; schema?: string }): Promise<Store> {
  if (opts.databaseUrl) {
    const schema = opts.schema ?? "practice_system";
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Bad schema name ${schema}`);
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4, options: `-c search_path=${schema}` });
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await pool.query(SCHEMA);
    const query = async <T,>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
    return {
      query,
      async transaction(fn) {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const out = await fn(async <T,>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[]);
          await client.query("COMMIT");
          return out;
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          throw err;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const db = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
  await db.exec(SCHEMA);
  const query = async <T,>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
  return {
    query,
    transaction: (fn) => db.transaction((tx) => fn(async <T,>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows)),
    close: () => db.close(),
  };
}
