import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { openDatabase } from "./client";
import { migrate, readMigrations } from "./migrate";

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "careaccess-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

describe("the SQL migrator", () => {
  test("applies the committed migrations once, then reports the database up to date", async () => {
    const db = await openDatabase("pglite:memory");
    const all = (await readMigrations()).map((m) => m.name);
    expect(await migrate(db.sql)).toEqual(all);
    expect(await migrate(db.sql)).toEqual([]);
    expect(await db.prisma.user.count()).toBe(0);
    await db.close();
  });

  test("a failing migration leaves nothing half-applied and is not recorded", async () => {
    const dir = await migrationsDir({
      "001_ok": `CREATE TABLE a (id int primary key);`,
      "002_broken": `CREATE TABLE b (id int primary key); INSERT INTO missing_table VALUES (1);`,
    });
    const db = await openDatabase("pglite:memory");
    await expect(migrate(db.sql, dir)).rejects.toThrow(/missing_table/);
    const tables = await db.sql.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema='public' ORDER BY 1`);
    expect(tables.map((t) => t.table_name)).toEqual(["a", "schema_migrations"]);
    expect((await db.sql.query<{ name: string }>(`SELECT name FROM schema_migrations`)).map((r) => r.name)).toEqual(["001_ok"]);
    await db.close();
  });

  test("an applied migration whose file was edited is refused", async () => {
    const dir = await migrationsDir({ "001_ok": `CREATE TABLE a (id int primary key);` });
    const db = await openDatabase("pglite:memory");
    await migrate(db.sql, dir);
    await writeFile(path.join(dir, "001_ok", "migration.sql"), `CREATE TABLE a (id bigint primary key);`);
    await expect(migrate(db.sql, dir)).rejects.toThrow("Migration 001_ok was changed after it was applied; add a new migration instead.");
    await db.close();
  });
});
