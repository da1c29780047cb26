import path from "node:path";
import { describe, expect, test } from "vitest";
import { openDatabase } from "./client";
import { parseDatabaseUrl } from "./target";

describe("DATABASE_URL", () => {
  test.each([
    [undefined, { kind: "pglite", dataDir: path.resolve("./data/pglite") }],
    ["", { kind: "pglite", dataDir: path.resolve("./data/pglite") }],
    ["pglite:./tmp/db", { kind: "pglite", dataDir: path.resolve("./tmp/db") }],
    ["pglite:memory", { kind: "pglite", dataDir: null }],
    ["postgres://app:secret@db.internal:6543/care", { kind: "postgres", label: "PostgreSQL at db.internal:6543/care" }],
    ["postgresql://localhost/care", { kind: "postgres", label: "PostgreSQL at localhost:5432/care" }],
  ])("%j is understood", (raw, expected) => {
    expect(parseDatabaseUrl(raw)).toMatchObject(expected);
  });

  test("the label never carries the password", () => {
    expect(parseDatabaseUrl("postgres://app:hunter2@db:5432/x").label).not.toContain("hunter2");
  });

  test.each([
    ["mysql://localhost/db", 'DATABASE_URL must start with "postgres://", "postgresql://" or "pglite:"'],
    ["postgres://", "DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)"],
  ])("%j is refused with a clear message", (raw, message) => {
    expect(() => parseDatabaseUrl(raw)).toThrow(message);
  });

  test("an unreachable server gives a one-line error naming its host, not a stack trace", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    await expect(openDatabase("postgres://app:pw@127.0.0.1:1/care")).rejects.toThrow(
      "Could not connect to PostgreSQL at 127.0.0.1:1/care: connection refused (is the server running?)",
    );
  });
});
