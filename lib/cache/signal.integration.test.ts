/**
 * The shared invalidation signal (issue 15) on both databases: the triggers notify at COMMIT what a
 * change ends (a session, a person, a tenant), never for a rolled-back change; two listeners (two
 * "instances" on PostgreSQL) both hear it; the session cache drops exactly what was named.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bumpAuthzVersion } from "../authz/load";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../db/testing";
import { openDatabase, type Database } from "../db/client";
import { createSession } from "../sessions/sessions";
import { SessionCache } from "../sessions/cache";
import { InvalidationSignal, type Invalidation } from "./signal";

const until = async (fn: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!fn() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return fn();
};

describe.each(TEST_DATABASES)("invalidation signal on $name", (kind) => {
  let db: TestDatabase;
  let second: Database | null = null;
  const heard: Invalidation[][] = [[], []];
  const signals: InvalidationSignal[] = [];
  let userId: string;
  let rootId: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // On PostgreSQL a second connection pool stands for a second app instance.
    if (db.target.kind === "postgres") second = await openDatabase(db.target.url);
    for (const [i, on] of [db, second].entries()) {
      if (!on) continue;
      const s = new InvalidationSignal(on);
      s.subscribe((m) => heard[i].push(m));
      await s.start();
      signals.push(s);
    }
    const user = await db.prisma.user.create({ data: { email: `sig-${Date.now()}@example.test`, name: "Sig" } });
    userId = user.id;
    rootId = randomUUID();
    await db.prisma.orgNode.create({ data: { id: rootId, kind: "PRACTICE", name: "Signal Practice", rootId } });
  }, 120_000);
  afterAll(async () => {
    for (const s of signals) await s.close();
    await second?.close();
    await db?.destroy();
  });

  test("a revoked session, a disabled person, a changed tenant: heard at commit by every listener", async () => {
    expect(signals.every((s) => s.live)).toBe(true);
    const sid = await createSession(db.prisma, { userId }, { idleMinutes: 30, absoluteHours: 12 });
    await db.prisma.session.update({ where: { id: sid }, data: { revokedAt: new Date() } });
    await db.prisma.user.update({ where: { id: userId }, data: { status: "DISABLED" } });
    const expected: Invalidation[] = [
      { kind: "session", id: sid },
      { kind: "user", id: userId },
    ];
    for (const [i] of signals.entries()) {
      expect(await until(() => expected.every((e) => heard[i].some((h) => JSON.stringify(h) === JSON.stringify(e))))).toBe(true);
    }
    // lastSeenAt is touched often and ends nothing: no signal for it.
    const before = heard[0].length;
    await db.prisma.session.update({ where: { id: sid }, data: { lastSeenAt: new Date() } });
    await new Promise((r) => setTimeout(r, 200));
    expect(heard[0].length).toBe(before);
  });

  test("a rolled-back change signals nothing", async () => {
    const before = heard.map((h) => h.length);
    await db.prisma
      .$transaction(async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { status: "ACTIVE" } });
        throw new Error("roll back");
      })
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.map((h) => h.length)).toEqual(before);
  });

  test("a tenant's version bump names the tenant", async () => {
    await bumpAuthzVersion(db.prisma, rootId);
    expect(await until(() => heard[0].some((h) => h.kind === "tenant" && h.id === rootId))).toBe(true);
  });

  test("TRUNCATE (no row triggers) tells every listener to forget everything", async () => {
    heard[0].length = 0;
    await db.sql.exec("TRUNCATE tenant_suspensions");
    expect(await until(() => heard[0].some((h) => h.kind === "all"))).toBe(true);
  });

  test("a binding given names the person", async () => {
    heard[0].length = 0;
    const role = await db.prisma.role.create({ data: { id: `sig-${randomUUID()}`, key: "sig", name: "Sig", family: "clinic", tenantId: rootId } });
    await db.prisma.roleBinding.create({ data: { userId, nodeId: rootId, roleId: role.id } });
    expect(await until(() => heard[0].some((h) => h.kind === "user" && h.id === userId))).toBe(true);
  });
  test("the read barrier: a change committed elsewhere just before is seen by the very next cache read, 200 times", async () => {
    // The second "instance" (PostgreSQL: another pool) revokes; this one's cache must not answer from
    // its entry once the revoking commit has returned, with no waiting in between.
    const writer = second ?? db;
    const signal = signals[0];
    const cache = new SessionCache(signal, 60_000);
    signal.subscribe((m) => cache.invalidate(m));
    let stale = 0;
    for (let i = 0; i < 200; i++) {
      const sid = await createSession(db.prisma, { userId }, { idleMinutes: 30, absoluteHours: 12 });
      const entry = { ok: true as const, session: { id: sid, userId, createdAt: new Date(), reauthAt: null }, user: { id: userId, email: "a@b.c", name: "A", isPlatformStaff: false, mustChangePassword: false }, versions: [], delegations: [] };
      cache.set(sid, entry as never, cache.begin());
      expect(await cache.getFresh(sid)).toBeDefined();
      await writer.prisma.session.update({ where: { id: sid }, data: { revokedAt: new Date() } });
      if (await cache.getFresh(sid)) stale++;
    }
    expect(stale).toBe(0);
  });
});

describe("session cache", () => {
  const check = (sid: string, user: string, tenant: string) => ({
    ok: true as const,
    session: { id: sid, userId: user, createdAt: new Date(), reauthAt: null },
    user: { id: user, email: "a@b.c", name: "A", isPlatformStaff: false, mustChangePassword: false },
    versions: [{ id: tenant, authz_version: 1, tree_version: 1, roles_version: 1 }],
  });

  test("drops what a signal names, nothing else; serves only while the signal is live and for ttl", () => {
    const signal = { live: true, sync: async () => signal.live };
    const cache = new SessionCache(signal, 1000);
    for (const [sid, user, tenant] of [["s1", "u1", "t1"], ["s2", "u1", "t2"], ["s3", "u2", "t2"], ["s4", "u3", "t3"]]) cache.set(sid, check(sid, user, tenant), cache.begin(), 0);
    cache.invalidate({ kind: "session", id: "s4" });
    expect(cache.get("s4", 1)).toBeUndefined();
    cache.invalidate({ kind: "tenant", id: "t2" });
    expect([cache.get("s1", 1)?.session.id, cache.get("s2", 1), cache.get("s3", 1)]).toEqual(["s1", undefined, undefined]);
    cache.invalidate({ kind: "user", id: "u1" });
    expect(cache.get("s1", 1)).toBeUndefined();
    cache.set("s5", check("s5", "u5", "t5"), cache.begin(), 0);
    expect(cache.get("s5", 999)).toBeDefined();
    expect(cache.get("s5", 1000)).toBeUndefined();
    signal.live = false;
    cache.set("s6", check("s6", "u6", "t6"), cache.begin(), 0);
    signal.live = true;
    expect(cache.get("s6", 1)).toBeUndefined();
  });

  test("a read that raced with an invalidation is not stored", () => {
    const cache = new SessionCache({ live: true, sync: async () => true }, 1000);
    const generation = cache.begin();
    cache.invalidate({ kind: "user", id: "u1" }); // arrives while the row is being read
    cache.set("s1", check("s1", "u1", "t1"), generation, 0);
    expect(cache.get("s1", 1)).toBeUndefined();
  });
});
