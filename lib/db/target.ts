import path from "node:path";

/** Where the database lives: an embedded PGlite directory (or memory), or a PostgreSQL server. */
export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string | null; label: string }
  | { kind: "postgres"; url: string; label: string };

export const DEFAULT_PGLITE_DIR = "./data/pglite";

/**
 * Reads DATABASE_URL: unset → PGlite in ./data/pglite; `pglite:<dir>` → PGlite there
 * (`pglite:memory` for a throwaway in-memory database); `postgres://…` → node-postgres.
 * The label never contains a password, so it is safe to print.
 */
export function parseDatabaseUrl(raw: string | undefined): DatabaseTarget {
  const value = raw?.trim();
  if (!value) return pgliteTarget(DEFAULT_PGLITE_DIR);
  if (value.startsWith("pglite:")) {
    const rest = value.slice("pglite:".length);
    return rest === "memory" ? { kind: "pglite", dataDir: null, label: "PGlite (in memory)" } : pgliteTarget(rest || DEFAULT_PGLITE_DIR);
  }
  if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!parsed?.hostname) throw new Error("DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)");
    return { kind: "postgres", url: value, label: `PostgreSQL at ${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}` };
  }
  throw new Error('DATABASE_URL must start with "postgres://", "postgresql://" or "pglite:"');
}

function pgliteTarget(dir: string): DatabaseTarget {
  const dataDir = path.resolve(dir);
  return { kind: "pglite", dataDir, label: `PGlite at ${dataDir}` };
}
