import { createHash } from "node:crypto";
import pg from "pg";
import type { Prisma } from "./generated/client";
import type { Db, Tx } from "./client";

/**
 * The few read-only statements every request runs (the session check, the subject's version check, a
 * page of people) as named prepared statements on the pool, not through Prisma's `$queryRaw`.
 * Measured on 2 cores (README, "Over HTTP and across instances"), the members page statement at 10
 * callers: through Prisma 311 µs of Node CPU per call and 1,030 calls/s (PostgreSQL parses every
 * unnamed statement again); unnamed on the pool 124 µs, 1,360/s; named 124 µs, 1,900/s. The pool
 * plans them for their values each time (`plan_cache_mode`, lib/db/client.ts): a kept generic plan
 * reached 3,970/s but took 580 ms for the enterprise where the custom plan takes 25.
 *
 * Only for the base client of a PostgreSQL server: inside a transaction (`tx`), or on PGlite, the
 * statement goes through Prisma as before, so it sees the transaction's own writes.
 */
type HotReader = (sql: Prisma.Sql) => Promise<unknown[]>;
const readers = new WeakMap<object, HotReader>();

/** Runs `sql` (read-only, no side effects) as a prepared statement on the pool where `db` allows it. */
export function hotRead<T>(db: Db | Tx, sql: Prisma.Sql): Promise<T[]> {
  const reader = readers.get(db);
  return reader ? (reader(sql) as Promise<T[]>) : db.$queryRaw<T[]>(sql);
}

/** Called by openDatabase for a PostgreSQL server's pool and the Prisma client on it. */
export function registerHotReader(prisma: Db, pool: pg.Pool): void {
  readers.set(prisma, (sql) => pool.query({ name: statementName(sql.text), text: sql.text, values: sql.values as unknown[], types }).then((r) => r.rows));
}

// Named by a hash of the text: a name always means the same text on every connection (pg refuses
// a name reused for another text). The texts are the code's own shapes (values are parameters), so
// they are few; past the cap a statement simply goes unnamed.
const names = new Map<string, string>();
const MAX_NAMES = 2_000;
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMES) names.set(text, (name = `ca_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`));
  return name;
}

// As Prisma reads them: `timestamp without time zone` is UTC (pg alone would read local time).
const TIMESTAMP = 1114;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};
