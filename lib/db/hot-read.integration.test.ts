/**
 * hotRead (lib/db/hot-read.ts) answers exactly what Prisma's $queryRaw answers, on both databases:
 * the same rows and types (ints, text, uuids, json, text[], timestamps with and without a time zone,
 * nulls); on PostgreSQL as a named statement unless told not to; and inside a
 * transaction it sees the transaction's own writes (it goes through the transaction, not the pool).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "./testing";
import { Prisma } from "./generated/client";
import { hotRead } from "./hot-read";

describe.each(TEST_DATABASES)("hotRead on $name", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const sample = (id: string, n: number) => Prisma.sql`
    SELECT ${id}::uuid::text AS id, ${n}::int AS n, 'x' || ${n}::int AS label, ARRAY['a', 'b'] AS tags, NULL::text AS nothing,
           json_build_object('k', ${n}::int, 'at', '2026-01-02 03:04:05'::timestamp) AS doc,
           '2026-01-02 03:04:05.678'::timestamp AS plain_at, '2026-01-02 03:04:05.678+02'::timestamptz AS zoned_at`;

  test("the same rows and types as $queryRaw, again and again with other values", async () => {
    for (let i = 0; i < 8; i++) {
      const id = randomUUID();
      const ours = await hotRead<Record<string, unknown>>(db.prisma, sample(id, i));
      const prisma = await db.prisma.$queryRaw<Record<string, unknown>[]>(sample(id, i));
      expect(ours).toEqual(prisma);
      expect(ours[0]).toMatchObject({ id, n: i, label: `x${i}`, tags: ["a", "b"], nothing: null, doc: { k: i, at: "2026-01-02T03:04:05" } });
      expect((ours[0].plain_at as Date).toISOString()).toBe("2026-01-02T03:04:05.678Z");
      expect((ours[0].zoned_at as Date).toISOString()).toBe("2026-01-02T01:04:05.678Z");
    }
  });

  test("inside a transaction it reads the transaction's own uncommitted writes", async () => {
    const rootId = randomUUID();
    await db.prisma.$transaction(async (tx) => {
      await tx.orgNode.create({ data: { id: rootId, rootId, kind: "PRACTICE", name: "Uncommitted Practice" } });
      const seen = await hotRead<{ name: string }>(tx, Prisma.sql`SELECT name FROM org_nodes WHERE id = ${rootId}::uuid`);
      expect(seen).toEqual([{ name: "Uncommitted Practice" }]);
      throw new Error("roll back");
    }).catch((err: Error) => expect(err.message).toBe("roll back"));
    expect(await hotRead(db.prisma, Prisma.sql`SELECT name FROM org_nodes WHERE id = ${rootId}::uuid`)).toEqual([]);
  });
});

// Only a server has a pool and named statements; on PGlite hotRead is $queryRaw itself (tests above).
describe.each(TEST_DATABASES.filter((kind) => kind.url))("hotRead's statements on $name", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  test("PostgreSQL: a named statement by default, an unnamed one with prepare: false", async () => {
    for (let i = 0; i < 12; i++) {
      await hotRead(db.prisma, Prisma.sql`SELECT ${i}::int AS kept`);
      await hotRead(db.prisma, Prisma.sql`SELECT ${i}::int AS planned_each_time`, { prepare: false });
    }
    const held = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const c = await db.pool!.connect();
        try {
          return (await c.query<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements")).rows;
        } finally {
          c.release();
        }
      }),
    );
    const statements = held.flat();
    expect(statements.some((s) => s.name.startsWith("ca_") && s.statement.includes("kept"))).toBe(true);
    expect(statements.some((s) => s.statement.includes("planned_each_time"))).toBe(false);
  });
});
