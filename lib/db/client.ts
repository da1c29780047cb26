import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { parseDatabaseUrl, type DatabaseTarget } from "./target";
import { registerHotReader } from "./hot-read";

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** A raw SQL runner over the same connection the Prisma client uses (migrator, checks, bench). */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (sql: Omit<SqlRunner, "transaction" | "close">) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A LISTEN in place: `sync()` resolves once every notification committed before the call was handled. */
export interface Listener {
  stop(): Promise<void>;
  sync(): Promise<void>;
}

export interface Database {
  target: DatabaseTarget;
  prisma: PrismaClient;
  sql: SqlRunner;
  /** The node-postgres pool (PostgreSQL server only): the shared rate-limit store uses it. */
  pool?: pg.Pool;
  /**
   * LISTEN on `channel` (issue 15's invalidation signal): `onMessage` per NOTIFY; `onLost` once if
   * the listening connection drops (PostgreSQL: its own connection, checked every 5 s). Resolves
   * once listening; the returned function stops.
   */
  listen(channel: string, onMessage: (payload: string) => void, onLost: () => void): Promise<Listener>;
  close(): Promise<void>;
}

/** Opens the database named by `url` (default: DATABASE_URL) with the matching driver adapter. */
export async function openDatabase(url: string | undefined = process.env.DATABASE_URL): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (target.kind === "pglite") {
    if (target.dataDir) mkdirSync(path.dirname(target.dataDir), { recursive: true });
    const lite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
    try {
      await lite.waitReady;
    } catch (err) {
      throw new Error(`Could not open ${target.label}: ${(err as Error).message}`);
    }
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
    const sql: SqlRunner = {
      exec: async (text) => void (await lite.exec(text)),
      query: async (text, params) => (await lite.query(text, params)).rows as never,
      transaction: (fn) =>
        lite.transaction((tx) =>
          fn({ exec: async (t) => void (await tx.exec(t)), query: async (t, p) => (await tx.query(t, p)).rows as never }),
        ),
      close: async () => lite.close(),
    };
    // One process owns a PGlite database: its notifications are delivered in that process.
    const listen = async (channel: string, onMessage: (payload: string) => void): Promise<Listener> => {
      const stop = await lite.listen(channel, onMessage);
      // A commit's notifications reach the callback before the committing query resolves: nothing to wait for.
      return { stop: async () => stop(), sync: async () => {} };
    };
    return { target, prisma, sql, listen, close: async () => { await prisma.$disconnect(); await lite.close(); } };
  }

  // jit=off: the app's queries are short; JIT compilation of where()'s OR-of-EXISTS filters cost
  // ~11 ms per query in the benchmark (bench/README.md) and saves nothing at this size.
  const pool = new pg.Pool({ connectionString: target.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), connectionTimeoutMillis: 5_000, options: "-c jit=off" });
  // An idle connection closed by the server (restart, failover, pg_terminate_backend) is dropped
  // from the pool and replaced on the next query; unhandled, the event would crash the process.
  pool.on("error", (err) => console.error(`PostgreSQL connection lost (${target.label}): ${err.message}`));
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`Could not connect to ${target.label}: ${describePgError(err)}`);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  registerHotReader(prisma, pool);
  const sql: SqlRunner = {
    exec: async (text) => void (await pool.query(text)),
    query: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn({
          exec: async (t) => void (await client.query(t)),
          query: async (t, p) => (await client.query(t, p as unknown[])).rows,
        });
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: async () => pool.end(),
  };
  const listen = (channel: string, onMessage: (payload: string) => void, onLost: () => void) => listenOn(target.url, channel, onMessage, onLost);
  return { target, prisma, sql, pool, listen, close: async () => { await prisma.$disconnect(); await pool.end().catch(() => {}); } };
}

/** LISTEN on a connection of its own; a failed heartbeat (5 s) or a dropped connection is reported once. */
async function listenOn(url: string, channel: string, onMessage: (payload: string) => void, onLost: () => void): Promise<Listener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  const client = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000 });
  let done = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const lost = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    client.end().catch(() => {});
    onLost();
  };
  client.on("notification", (n) => n.channel === channel && onMessage(n.payload ?? ""));
  client.on("error", lost);
  client.on("end", lost);
  await client.connect();
  await client.query(`LISTEN ${channel}`);
  // The read barrier: PostgreSQL hands a listening connection every notification signalled before
  // its query ended ahead of that query's answer, so once a round trip that started after a change's
  // commit is back, the change's notification has been handled. Concurrent callers share one round
  // trip, but only one that started after they asked.
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const sync = (): Promise<void> => {
    if (done) return Promise.reject(new Error("not listening"));
    if (!running) {
      running = client.query("SELECT 1").then(() => undefined).finally(() => (running = null));
      return running;
    }
    return (queued ??= running.catch(() => {}).then(() => ((queued = null), sync())));
  };
  heartbeat = setInterval(() => {
    const timeout = setTimeout(lost, 5_000);
    sync().then(() => clearTimeout(timeout), lost);
  }, 5_000);
  heartbeat.unref();
  const stop = async () => {
    done = true;
    clearInterval(heartbeat);
    await client.end().catch(() => {});
  };
  return { stop, sync };
}

function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === "ECONNREFUSED") return "connection refused (is the server running?)";
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") return "host not found";
  if (e.code === "ETIMEDOUT" || /timeout/i.test(e.message ?? "")) return "timed out";
  if (e.code === "3D000") return "database does not exist";
  if (e.code === "28P01" || e.code === "28000") return "authentication failed";
  return e.message?.split("\n")[0] ?? "unknown error";
}
