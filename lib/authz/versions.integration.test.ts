/**
 * One round trip before the handler (issue 15): the session check returns the person's tenant
 * versions, and the subject loader given them asks the database nothing when its subject is current;
 * a change to the person's bindings changes the versions the next check returns, so the loader recompiles.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemoData } from "../../prisma/seed";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../db/testing";
import { callerFor } from "../testing/callers";
import { checkSession } from "../sessions/sessions";
import { bumpAuthzVersion, SubjectLoader } from "./load";
import { decide } from "./decide";

const policy = { idleMinutes: 30, absoluteHours: 12 };

describe.each(TEST_DATABASES)("session check and subject versions on $name", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
  }, 180_000);
  afterAll(async () => db?.destroy());

  test("the check carries the versions; a current subject costs no query; a change recompiles", async () => {
    const caller = await callerFor(db, "manager@northwind.test");
    const sid = caller.session!.session.id;
    const first = await checkSession(db.prisma, sid, policy);
    if (!first.ok) throw new Error(first.reason);
    const northwind = await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" }, select: { id: true, authzVersion: true } });
    expect(first.versions).toEqual([{ id: northwind.id, authz_version: northwind.authzVersion, tree_version: expect.any(Number), roles_version: expect.any(Number) }]);

    // A client that counts raw queries (the loader's version check and its recompile's read are raw).
    let rawQueries = 0;
    const counted = new Proxy(db.prisma, { get: (t, p) => (p === "$queryRaw" ? (rawQueries++, (t as never as { $queryRaw: Function }).$queryRaw.bind(t)) : Reflect.get(t, p)) });
    const loader = new SubjectLoader(counted as typeof db.prisma);
    const subject = await loader.load(first.user.id, { versions: first.versions, delegations: first.delegations });
    expect(loader.stats.compiles).toBe(1);
    rawQueries = 0;
    const second = (await checkSession(db.prisma, sid, policy)) as typeof first;
    const again = await loader.load(first.user.id, { versions: second.versions, delegations: second.delegations });
    expect(again).toBe(subject);
    expect(loader.stats.hits).toBe(1);
    expect(rawQueries).toBe(0);

    const seattle = await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Practice" }, select: { id: true } });
    expect(decide(subject, "members.read", { nodeId: seattle.id })).toBe(true);
    await db.prisma.$transaction(async (tx) => {
      await tx.roleBinding.deleteMany({ where: { userId: first.user.id, nodeId: seattle.id } });
      await bumpAuthzVersion(tx, northwind.id);
    });
    const after = await checkSession(db.prisma, sid, policy);
    if (!after.ok) throw new Error(after.reason);
    expect(after.versions![0].authz_version).toBe(northwind.authzVersion + 1);
    const fresh = await loader.load(after.user.id, { versions: after.versions, delegations: after.delegations });
    expect(loader.stats.compiles).toBe(2);
    expect(decide(fresh, "members.read", { nodeId: seattle.id })).toBe(false);
  });

  test("another member's suspension leaves the tenant in this person's check; their own removes it", async () => {
    const caller = await callerFor(db, "billing@northwind.test");
    const sid = caller.session!.session.id;
    const northwind = await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" }, select: { id: true } });
    const billing = await db.prisma.user.findUniqueOrThrow({ where: { email: "billing@northwind.test" }, select: { id: true } });
    const other = await db.prisma.user.findUniqueOrThrow({ where: { email: "inventory@northwind.test" }, select: { id: true } });
    const tenants = async () => {
      const check = await checkSession(db.prisma, sid, policy);
      if (!check.ok) throw new Error(check.reason);
      return (check.versions ?? []).map((v) => v.id);
    };
    expect(await tenants()).toContain(northwind.id);
    await db.prisma.tenantSuspension.create({ data: { tenantId: northwind.id, userId: other.id } });
    expect(await tenants()).toContain(northwind.id);
    await db.prisma.tenantSuspension.create({ data: { tenantId: northwind.id, userId: billing.id } });
    expect(await tenants()).not.toContain(northwind.id);
    await db.prisma.tenantSuspension.deleteMany({ where: { tenantId: northwind.id, userId: { in: [other.id, billing.id] } } });
  });
});
