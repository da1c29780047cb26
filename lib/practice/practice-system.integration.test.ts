/**
 * The practice system as a real peer (issue 14): its own process and database (PGlite always;
 * its own schema in PostgreSQL when TEST_DATABASE_URL is set), reached only over HTTP by the
 * connector. Users with legacy flags, the old system's own answers, the cursor-based change feed,
 * idempotent writes, bad input, auth, and a restart that keeps data and the feed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TEST_DATABASES } from "../db/testing";
import { spawnPracticeSystem, type RunningPracticeSystem } from "../testing/practice-system";
import { PracticeSystemClient, PracticeSystemError, PracticeSystemUnavailable } from "./connector";

describe.each(TEST_DATABASES)("practice system ($name)", (kind) => {
  let system: RunningPracticeSystem;
  let client: PracticeSystemClient;
  const dataDir = kind.url ? undefined : mkdtempSync(path.join(tmpdir(), "practice-system-"));
  const schema = `practice_test_${process.pid}_${Date.now() % 100000}`;
  const start = () => spawnPracticeSystem({ dataDir, databaseUrl: kind.url, schema, token: "t0ken" });

  beforeAll(async () => {
    system = await start();
    client = new PracticeSystemClient(system.url, { token: "t0ken" });
  });
  afterAll(async () => {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (kind.url) {
      const c = new pg.Client({ connectionString: kind.url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });

  test("practices, users with legacy flags, and the old system's own answers", async () => {
    await client.putPractice("portland", "Portland Practice");
    await client.putUser("portland", "u1", { email: "ann@portland.test", name: "Ann", flags: ["can_view_patients", "can_edit_schedule"] });
    await client.putUser("portland", "u2", { email: "bo@portland.test", name: "Bo", flags: ["is_practice_admin"] });
    expect((await client.users("portland")).map((u) => [u.userId, u.flags])).toEqual([
      ["u1", ["can_edit_schedule", "can_view_patients"]],
      ["u2", ["is_practice_admin"]],
    ]);
    expect(await client.can("portland", "u1", "can_view_patients")).toBe(true);
    expect(await client.can("portland", "u1", "can_process_payments")).toBe(false);
    // A practice admin may do every known thing, and nothing unknown.
    expect(await client.can("portland", "u2", "can_issue_refunds")).toBe(true);
    expect(await client.can("portland", "u2", "can_fly")).toBe(false);
    expect(await client.practices()).toEqual([{ id: "portland", name: "Portland Practice", users: 2 }]);
  });

  test("the change feed: ordered, paged by cursor, nothing for an unchanged write", async () => {
    const start = (await client.changes(0, 1000)).cursor;
    await client.putUser("portland", "u1", { email: "ann@portland.test", name: "Ann", flags: ["can_view_patients", "can_edit_schedule"] });
    expect((await client.changes(start)).changes).toEqual([]);
    await client.putUser("portland", "u1", { email: "ann@portland.test", name: "Ann", flags: ["can_view_patients"], origin: "careaccess" });
    await client.removeUser("portland", "u2");
    await client.putUser("portland", "u3", { email: "cy@portland.test", name: "Cy", flags: [] });
    const page1 = await client.changes(start, 2);
    expect(page1.changes.map((c) => [c.userId, c.op])).toEqual([
      ["u1", "upsert"],
      ["u2", "remove"],
    ]);
    expect(page1.changes[0]).toMatchObject({ origin: "careaccess", data: { flags: ["can_view_patients"], version: 2 } });
    const page2 = await client.changes(page1.cursor, 2);
    expect(page2.changes.map((c) => [c.userId, c.op])).toEqual([["u3", "upsert"]]);
    expect((await client.changes(page2.cursor)).changes).toEqual([]);
    expect(page2.cursor).toBeGreaterThan(page1.cursor);
  });

  test("a repeated Idempotency-Key is applied once and answered the same", async () => {
    const before = (await client.changes(0, 1000)).cursor;
    const first = await client.putUser("portland", "u4", { email: "di@portland.test", name: "Di", flags: ["can_view_schedule"] }, "k-1");
    const again = await client.putUser("portland", "u4", { email: "di@portland.test", name: "Di", flags: ["can_view_schedule", "can_view_patients"] }, "k-1");
    expect(again).toEqual(first);
    expect((await client.users("portland")).find((u) => u.userId === "u4")!.flags).toEqual(["can_view_schedule"]);
    expect((await client.changes(before)).changes).toHaveLength(1);
  });

  test("bad input 400 with fields, unknown practice 404, no token 401", async () => {
    const bad = await client.putUser("portland", "u5", { email: "e@x.test", name: "", flags: ["ok"] }).catch((e) => e);
    expect(bad).toBeInstanceOf(PracticeSystemError);
    expect(bad).toMatchObject({ status: 400, fields: { name: expect.any(Array) } });
    expect(await client.putUser("portland", "bad id!", { email: "e@x.test", name: "E", flags: [] }).catch((e) => e.status)).toBe(400);
    expect(await client.users("nowhere").catch((e) => e.status)).toBe(404);
    expect(await new PracticeSystemClient(system.url).practices().catch((e) => e.status)).toBe(401);
  });

  test("down: the connector says unavailable; restarted: data and the feed are still there", async () => {
    const cursor = (await client.changes(0, 1000)).cursor;
    await system.stop();
    await expect(client.practices()).rejects.toBeInstanceOf(PracticeSystemUnavailable);
    system = await start();
    client = new PracticeSystemClient(system.url, { token: "t0ken" });
    expect((await client.users("portland")).map((u) => u.userId)).toEqual(["u1", "u3", "u4"]);
    expect((await client.changes(0, 1000)).cursor).toBe(cursor);
    await client.putUser("portland", "u6", { email: "f@portland.test", name: "F", flags: [] });
    expect((await client.changes(cursor)).changes.map((c) => c.seq)).toEqual([cursor + 1]);
  });
});
