import { createHash } from "node:crypto";
import pg from "pg";
import type { Prisma } from "./generated/client";
import type { Db, Tx } from "./client";

/**
 * The few read-only statements every request or recompile runs (the session check, the subject's
 * version check and grant rows, a page of people) straight on the pool, not through Prisma's
 * `$queryRaw`, and, where the best plan doesn't depend on the values, as named prepared statements.
 * Measured on 2 cores (README, "Over HTTP and across instances"), the members page statement at 10
 * callers: through Prisma 311 µs of Node CPU per call and 1,030 calls/s; on the pool unnamed 124 µs
 * and 1,360/s; named 124 µs and 3,970/s, as PostgreSQL then keeps a generic plan after five runs
 * instead of planning each call. The loader's version check: 0.67 → 0.32 ms named.
 *
 * A generic plan is one plan for every value: fine for lookups by key (a session, a person's
 * bindings), wrong where the values decide the plan. A page of people planned generically took
 * 580 ms at the 50,000-person enterprise, 25 ms planned for it: such statements pass `prepare: false`.
 *
 * Only for the base client of a PostgreSQL server: inside a transaction (`tx`), or on PGlite, the
 * statement goes through Prisma as before, so it sees the transaction's own writes.
 */
type HotReader = (sql: Prisma.Sql, prepare: boolean) => Promise<unknown[]>;
const readers = new WeakMap<object, HotReader>();

/** Runs `sql` (read-only, no side effects) on the pool where `db` allows it; prepared unless `prepare` is false. */
export function hotRead<T>(db: Db | Tx, sql: Prisma.Sql, opts: { prepare?: boolean } = {}): Promise<T[]> {
  const reader = readers.get(db);
  return reader ? (reader(sql, opts.prepare ?? true) as Promise<T[]>) : db.$queryRaw<T[]>(sql);
}

/** Called by openDatabase for a PostgreSQL server's pool and the Prisma client on it. */
export function registerHotReader(prisma: Db, pool: pg.Pool): void {
  readers.set(prisma, (sql, prepare) => pool.query({ name: prepare ? statementName(sql.text) : undefined, text: sql.text, values: sql.values as unknown[], types }).then((r) => r.rows));
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
