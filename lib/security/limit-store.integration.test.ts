/**
 * Rate limits in PostgreSQL (issue 15): without Redis, two app instances (two pools on one
 * server) count one API key's requests together in the rate_limits table. PostgreSQL only: on PGlite
 * the app is one process and counts in memory.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type Database } from "../db/client";
import { createTestDatabase, type TestDatabase } from "../db/testing";
import { KeyRateLimiter } from "../machine/rate-limit";

const url = process.env.TEST_DATABASE_URL;

// Needs a PostgreSQL server: PGlite is one process, so its limits stay in memory and there is nothing
// to share. .ci/run always sets TEST_DATABASE_URL, so CI runs these.
describe.skipIf(!url)("rate limits shared in PostgreSQL", () => {
  let db: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    db = await createTestDatabase({ name: "postgres", url });
    if (db.target.kind !== "postgres") throw new Error("expected PostgreSQL");
    other = await openDatabase(db.target.url);
  }, 60_000);
  afterAll(async () => {
    await other?.close();
    await db?.destroy();
  });

  test("two instances, one count: the key's limit holds across both, and another key has its own", async () => {
    const one = new KeyRateLimiter(null, "test:rl", db.pool!);
    const two = new KeyRateLimiter(null, "test:rl", other.pool!);
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await (i % 2 ? two : one).consume("key-1", 6));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true, false, false, false, false]);
    expect(results[9].resetSeconds).toBeGreaterThanOrEqual(1);
    expect((await two.consume("key-2", 6)).ok).toBe(true);
    const [row] = await db.sql.query<{ points: number }>("SELECT points FROM rate_limits WHERE key = 'test:rl:6:key-1'");
    expect(row.points).toBe(10);
  });
});
