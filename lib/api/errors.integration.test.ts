/**
 * Database errors become API errors in one place (toErrorBody → fromDatabaseError), by Prisma code
 * and SQLSTATE, on PGlite and PostgreSQL: a 500 means a bug, never bad input or a known conflict.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { PrismaClient } from "../db/generated/client";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { AppError, ERROR_STATUS, toErrorBody } from "./errors";

const failure = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err, "the query should have failed").not.toBeNull();
  return toErrorBody(err);
};

describe.each(TEST_DATABASES)("database errors → API errors ($name)", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await db.prisma.user.create({ data: { email: "taken@example.test", name: "Taken" } });
  });
  afterAll(async () => db?.destroy());

  test("a unique violation (P2002) is 409 conflict, naming the field when Prisma does", async () => {
    const { status, body } = await failure(db.prisma.user.create({ data: { email: "taken@example.test", name: "Again" } }));
    expect(status).toBe(409);
    expect(body.error.code).toBe("conflict");
    expect(body.error.message).toBe("That already exists.");
    // PGlite's adapter names the columns; node-postgres only the index: the field is there when known.
    if (body.error.fields) expect(body.error.fields).toEqual({ email: ["That already exists."] });
  });

  test("a record not found by update/delete (P2025) is 404 not_found", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await failure(db.prisma.user.update({ where: { id: missing }, data: { name: "x" } }))).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await failure(db.prisma.user.delete({ where: { id: missing } }))).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await failure(db.prisma.user.findUniqueOrThrow({ where: { id: missing } }))).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
  });

  test("a NUL byte in a name or a search (SQLSTATE 22021) is 400 invalid", async () => {
    expect(await failure(db.prisma.user.create({ data: { email: "nul@example.test", name: "Rob\u0000" } }))).toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    expect(await failure(db.prisma.user.findMany({ where: { name: { contains: "a\u0000", mode: "insensitive" } } }))).toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
    expect(await failure(db.sql.query("SELECT $1::text AS t", ["a\u0000b"]))).toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
  });

  test("a malformed uuid reaching the database (22P02) is 400 invalid, not 500", async () => {
    expect(await failure(db.prisma.user.findMany({ where: { id: "not-a-uuid" } }))).toMatchObject({ status: 400, body: { error: { code: "invalid" } } });
  });

  test("a value too long for its column or out of range is 400 invalid", async () => {
    expect(await failure(db.sql.query("SELECT $1::varchar(3) AS v, 'abcd'::varchar(3)::char(2) AS w, 99999999999::int AS n", ["x"]))).toMatchObject({ status: 400 });
  });
});

describe("connections and unknown errors", () => {
  test("a database server that can't be reached (P1001) is 503 unavailable", async () => {
    const pool = new pg.Pool({ connectionString: "postgres://nobody@127.0.0.1:1/none", connectionTimeoutMillis: 2_000 });
    const client = new PrismaClient({ adapter: new PrismaPg(pool) });
    try {
      const { status, body } = await failure(client.user.findMany());
      expect(status).toBe(503);
      expect(body.error.code).toBe("unavailable");
      expect(body.error.message).not.toMatch(/127\.0\.0\.1|nobody/);
    } finally {
      await client.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    }
  });

  test("the status table sends unavailable as 503, and a bug as 500 with code internal", () => {
    expect(ERROR_STATUS.unavailable).toBe(503);
    expect(toErrorBody(new AppError("unavailable", "Down."))).toMatchObject({ status: 503, body: { error: { code: "unavailable" } } });
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const bug = toErrorBody(new TypeError("x is undefined"));
    log.mockRestore();
    expect(bug).toEqual({ status: 500, body: { error: { code: "internal", message: "Something went wrong on our side. Please try again." } } });
  });
});
