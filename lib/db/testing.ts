import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "./client";
import { migrate } from "./migrate";

/**
 * The databases integration tests run on: in-memory PGlite always, and a throwaway database on
 * the PostgreSQL server named by TEST_DATABASE_URL when it is set (CI sets it).
 */
export const TEST_DATABASES: { name: string; url?: string }[] = [
  { name: "pglite" },
  ...(process.env.TEST_DATABASE_URL ? [{ name: "postgres", url: process.env.TEST_DATABASE_URL }] : []),
];

export interface TestDatabase extends Database {
  /** Drops the throwaway database (PostgreSQL) or frees the in-memory one. */
  destroy(): Promise<void>;
}

/** A fresh, migrated, empty database of the given kind. */
export async function createTestDatabase(kind: { name: string; url?: string }): Promise<TestDatabase> {
  if (!kind.url) {
    const db = await openDatabase("pglite:memory");
    await migrate(db.sql);
    return { ...db, destroy: db.close };
  }
  const name = `careaccess_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: kind.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(kind.url);
  url.pathname = `/${name}`;
  const db = await openDatabase(url.toString());
  await migrate(db.sql);
  return {
    ...db,
    destroy: async () => {
      await db.close();
      const dropper = new pg.Client({ connectionString: kind.url });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
