import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from "rate-limiter-flexible";
import { parseDatabaseUrl } from "../db/target";

/**
 * Where rate limits are counted when there is no Redis (issue 15): in the app's PostgreSQL server
 * (table rate_limits), so every app instance shares them; in this process only on PGlite, which is
 * one process's database anyway (and in tests, which set no DATABASE_URL).
 */
let pool: Promise<pg.Pool | null> | undefined;
export function sharedLimitPool(): Promise<pg.Pool | null> {
  if (parseDatabaseUrl(process.env.DATABASE_URL).kind !== "postgres") return Promise.resolve(null);
  // Imported lazily: lib/db is server-only and opens the database.
  pool ??= import("../db").then((m) => m.database()).then((d) => d.pool ?? null, () => null);
  return pool;
}

/** A limiter in PostgreSQL with `memory` as its insurance (taking over if the database fails). */
export function postgresLimiter(storeClient: pg.Pool, opts: { points: number; duration: number; keyPrefix: string }, memory: RateLimiterMemory): RateLimiterAbstract {
  return new RateLimiterPostgres({ ...opts, storeClient, storeType: "pool", tableName: "rate_limits", tableCreated: true, clearExpiredByTimeout: false, insuranceLimiter: memory });
}
