import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { auditForUserNow } from "../security/audit";
import { withRequestContext } from "../api/request-context";
import { GENESIS, hashEvent, recordAudit, recordAuditNow, verifyAllChains, verifyChain } from "./audit";

describe.each(TEST_DATABASES)("the audit log ($name)", (kind) => {
  let db: TestDatabase;
  const tenant = "00000000-0000-4000-8000-000000000001";
  const other = "00000000-0000-4000-8000-000000000002";
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    for (let i = 0; i < 5; i++) {
      await db.prisma.$transaction((tx) => recordAudit(tx, { tenantId: tenant, actorId: null, action: "member.invited", targetType: "user", targetId: `u${i}`, details: { b: i, a: [1, { z: 1, y: 2 }] } }));
      await recordAuditNow(db.prisma, { tenantId: other, actorId: null, action: "patient.viewed", targetId: `p${i}` });
    }
  });
  afterAll(async () => db?.destroy());

  test("each tenant's events form an unbroken hash chain", async () => {
    expect(await verifyChain(db.prisma, tenant)).toEqual({ ok: true, count: 5 });
    expect(await verifyChain(db.prisma, other)).toEqual({ ok: true, count: 5 });
  });

  test("50 concurrent writers, through the pool and in transactions, on one tenant and on the platform chain, never fork the chain", async () => {
    const shared = "00000000-0000-4000-8000-000000000003";
    const before = await db.prisma.auditEvent.count();
    const writers = Array.from({ length: 50 }, (_, i) => {
      const input = { tenantId: i % 2 ? shared : null, actorId: null, action: "auth.sign_in_failed", targetId: `w${i}` };
      switch (i % 4) {
        case 0:
          return recordAuditNow(db.prisma, input);
        case 1:
          // A transaction that does other work around its audit row.
          return db.prisma.$transaction(async (tx) => {
            await tx.$executeRaw`SELECT pg_sleep(0.002)`;
            await recordAudit(tx, input);
            await tx.$executeRaw`SELECT pg_sleep(0.002)`;
          });
        case 2:
          // The pool passed where a transaction belongs (only possible with a cast): still chained.
          return recordAudit(db.prisma as never, input);
        default:
          return db.prisma.$transaction((tx) => recordAudit(tx, { ...input, details: { i } }));
      }
    });
    // @ts-expect-error the pool is not a transaction: recordAudit() doesn't accept it (recordAuditNow() does)
    void (() => recordAudit(db.prisma, { tenantId: null, actorId: null, action: "never.written" }));
    await Promise.all(writers);
    expect(await db.prisma.auditEvent.count()).toBe(before + 50);
    expect(await verifyChain(db.prisma, shared)).toEqual({ ok: true, count: 25 });
    expect(await verifyChain(db.prisma, null)).toEqual({ ok: true, count: 25 });
    const forks = await db.sql.query(`SELECT tenant_id, prev_hash, count(*)::int AS n FROM audit_events GROUP BY tenant_id, prev_hash HAVING count(*) > 1`);
    expect(forks).toEqual([]);
  });

  test("events about a person in two tenants, written at once in either order, take the chain locks in one order (no deadlock)", async () => {
    const a = "00000000-0000-4000-8000-00000000000a";
    const b = "00000000-0000-4000-8000-00000000000b";
    const user = "00000000-0000-4000-8000-0000000000ff";
    await Promise.all(Array.from({ length: 40 }, (_, i) => auditForUserNow(db.prisma, user, { actorId: null, action: "auth.sign_in_failed", tenantIds: i % 2 ? [a, b] : [b, a] })));
    expect(await verifyChain(db.prisma, a)).toEqual({ ok: true, count: 40 });
    expect(await verifyChain(db.prisma, b)).toEqual({ ok: true, count: 40 });
  });

  test("the hash computed in SQL on append is the one the chain check computes, for any text (accents, emoji, quotes, control characters)", async () => {
    const t = "00000000-0000-4000-8000-0000000000d1";
    const odd = ["Zoë Ångström", "🦷 \u2028 \u00a0", 'quote " back\\slash', "tab\tnew\nline\u0001", "日本語"];
    for (const [i, text] of odd.entries()) {
      await withRequestContext({ actorId: null, sessionId: text, ip: "10.0.0.9", userAgent: text, via: "session" }, () =>
        recordAuditNow(db.prisma, { tenantId: t, actorId: null, action: "member.renamed", targetType: "user", targetId: text, details: { [text]: text, n: i, nested: { z: [text, 1.5, null, true], a: -0 } } }),
      );
    }
    expect(await verifyChain(db.prisma, t)).toEqual({ ok: true, count: odd.length });
    const rows = await db.prisma.auditEvent.findMany({ where: { tenantId: t }, orderBy: { id: "asc" } });
    let prev = GENESIS;
    for (const r of rows) {
      expect(r.prevHash).toBe(prev);
      expect(r.hash).toBe(hashEvent(prev, r));
      prev = r.hash;
    }
    expect(rows.map((r) => r.userAgent)).toEqual(odd);
  });

  test("the database refuses to change or delete an event", async () => {
    await expect(db.sql.exec(`UPDATE audit_events SET action = 'nothing.happened'`)).rejects.toThrow(/append-only/);
    await expect(db.sql.exec(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(db.sql.exec(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    expect(await db.prisma.auditEvent.count()).toBe(145);
  });

  test("an edit made around the trigger (by a superuser) is found by the chain check", async () => {
    const third = (await db.prisma.auditEvent.findMany({ where: { tenantId: tenant }, orderBy: { id: "asc" } }))[2];
    await db.sql.exec(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await db.sql.exec(`UPDATE audit_events SET target_id = 'someone-else' WHERE id = ${third.id}`);
    await db.sql.exec(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    expect(await verifyChain(db.prisma, tenant)).toEqual({ ok: false, brokenAt: third.id });
    expect(await verifyChain(db.prisma, other)).toEqual({ ok: true, count: 5 });
    // What `npm run audit:verify` reports: the broken chain with its first broken link, the others intact.
    const all = await verifyAllChains(db.prisma);
    expect(all.find((c) => c.tenantId === tenant)).toEqual({ tenantId: tenant, ok: false, brokenAt: third.id });
    expect(all.filter((c) => c.tenantId !== tenant).every((c) => c.ok)).toBe(true);
  });

  test("each row records who, from where and how, from the request context; the hash covers it and old rows still verify", async () => {
    const t = "00000000-0000-4000-8000-0000000000c1";
    const node = "00000000-0000-4000-8000-0000000000c2";
    const actor = "00000000-0000-4000-8000-0000000000c3";
    // A row as written before issue 9: its hash covers only the original fields.
    const createdAt = new Date("2026-01-01T00:00:00.000Z");
    const legacy = { tenantId: t, actorId: null, action: "member.invited", targetType: "user", targetId: "x", details: {}, ip: "10.0.0.1", createdAt };
    await db.sql.query(`INSERT INTO audit_events (tenant_id, action, target_type, target_id, details, ip, created_at, prev_hash, hash) VALUES ($1, 'member.invited', 'user', 'x', '{}', '10.0.0.1', $2, $3, $4)`, [t, createdAt.toISOString(), GENESIS, hashEvent(GENESIS, legacy)]);
    const ctx = { actorId: actor, sessionId: "sess-1", ip: "203.0.113.9", userAgent: "Mozilla/5.0 Test", via: "session" as const, nodeId: node };
    await withRequestContext(ctx, () => recordAuditNow(db.prisma, { tenantId: t, actorId: actor, action: "patient.read", targetType: "patient", targetId: "p1" }));
    await withRequestContext({ ...ctx, via: "api_key", credentialId: "key-1", sessionId: null, onBehalfOf: actor }, () => db.prisma.$transaction((tx) => recordAudit(tx, { tenantId: t, actorId: null, action: "patient.list", nodeId: null })));
    const rows = await db.prisma.auditEvent.findMany({ where: { tenantId: t }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.action, r.ip, r.userAgent, r.sessionId, r.via, r.credentialId, r.onBehalfOf, r.nodeId])).toEqual([
      ["member.invited", "10.0.0.1", null, null, null, null, null, null],
      ["patient.read", "203.0.113.9", "Mozilla/5.0 Test", "sess-1", "session", null, null, node],
      ["patient.list", "203.0.113.9", "Mozilla/5.0 Test", null, "api_key", "key-1", actor, null],
    ]);
    expect(await verifyChain(db.prisma, t)).toEqual({ ok: true, count: 3 });
    // The new fields are covered: changing the browser a row names breaks the chain there.
    await db.sql.exec(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await db.sql.exec(`UPDATE audit_events SET user_agent = 'curl/8' WHERE id = ${rows[1].id}`);
    await db.sql.exec(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    expect(await verifyChain(db.prisma, t)).toEqual({ ok: false, brokenAt: rows[1].id });
  });
});
