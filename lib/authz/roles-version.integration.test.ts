/**
 * Custom roles cached under a role-only version (issue 15): the subject loader keeps each tenant's
 * custom roles and grant tables while `org_nodes.roles_version` is unchanged, and a trigger moves it
 * on every INSERT, UPDATE or DELETE of a role. So a role edit, a role created or a role deleted is
 * seen by the next decision, even when the writer forgot bumpAuthzVersion; a binding change alone
 * recompiles the subject without reading the roles again.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemoData } from "../../prisma/seed";
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from "../db/testing";
import { checkSession } from "../sessions/sessions";
import { callerFor } from "../testing/callers";
import { decide } from "./decide";
import { bumpAuthzVersion, SubjectLoader } from "./load";
import { builtinRoleId } from "./roles";

describe.each(TEST_DATABASES)("custom roles cached under roles_version on $name", (kind) => {
  let db: TestDatabase;
  let root: string;
  let seattle: string;
  let userId: string;
  const rolesVersion = async () => (await db.prisma.orgNode.findUniqueOrThrow({ where: { id: root }, select: { rolesVersion: true } })).rolesVersion;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    root = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Northwind Dental Group" } })).id;
    seattle = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Practice" } })).id;
    userId = (await db.prisma.user.findFirstOrThrow({ where: { email: "frontdesk@northwind.test" } })).id;
  }, 180_000);
  afterAll(async () => db?.destroy());

  test("a role edit (grants changed) is seen by the next decision, with or without bumpAuthzVersion", async () => {
    const roleId = `rv-${randomUUID()}`;
    const loader = new SubjectLoader(db.prisma);
    await db.prisma.$transaction(async (tx) => {
      await tx.role.create({ data: { id: roleId, key: "rv_edit", name: "Desk Plus", family: "clinic", tenantId: root, parentId: builtinRoleId("front_desk") } });
      await tx.roleBinding.create({ data: { userId, nodeId: seattle, roleId } });
      await bumpAuthzVersion(tx, root);
    });
    const before = await loader.load(userId);
    expect(decide(before, "refunds.read", { nodeId: seattle })).toBe(false);
    expect(decide(before, "appointments.check_in", { nodeId: seattle })).toBe(true);

    // Edited by a writer that bumps the tenant's version, as lib/roles does.
    let version = await rolesVersion();
    await db.prisma.$transaction(async (tx) => {
      await tx.role.update({ where: { id: roleId }, data: { grants: [{ permission: "refunds.read", scope: "subtree" }] } });
      await bumpAuthzVersion(tx, root);
    });
    expect(await rolesVersion()).toBe(version + 1);
    const loads = loader.stats.roleLoads;
    const edited = await loader.load(userId);
    expect(loader.stats.roleLoads).toBe(loads + 1);
    expect(decide(edited, "refunds.read", { nodeId: seattle })).toBe(true);

    // Edited by hand, no bumpAuthzVersion: the trigger alone makes the next decision see it.
    version = await rolesVersion();
    await db.prisma.$executeRaw`UPDATE roles SET removals = '["appointments.check_in"]'::jsonb, grants = '[]'::jsonb WHERE id = ${roleId}`;
    expect(await rolesVersion()).toBe(version + 1);
    const byHand = await loader.load(userId);
    expect(decide(byHand, "refunds.read", { nodeId: seattle })).toBe(false);
    expect(decide(byHand, "appointments.check_in", { nodeId: seattle })).toBe(false);
    expect(decide(byHand, "appointments.read", { nodeId: seattle })).toBe(true);

    // A binding change alone recompiles from the cached roles (no role query).
    const rolesRead = loader.stats.roleLoads;
    const compiles = loader.stats.compiles;
    await db.prisma.$transaction(async (tx) => {
      await tx.roleBinding.deleteMany({ where: { userId, roleId } });
      await bumpAuthzVersion(tx, root);
    });
    const unbound = await loader.load(userId);
    expect(loader.stats.compiles).toBe(compiles + 1);
    expect(loader.stats.roleLoads).toBe(rolesRead);
    expect(unbound.bindings.some((b) => b.roleId === roleId)).toBe(false);
    await db.prisma.role.delete({ where: { id: roleId } });
  });

  test("a role created, and a role deleted, are seen by the next decision; the session check carries roles_version", async () => {
    const caller = await callerFor(db, "frontdesk@northwind.test");
    const sid = caller.session!.session.id;
    const policy = { idleMinutes: 30, absoluteHours: 12 };
    const loader = new SubjectLoader(db.prisma);
    const check = async () => {
      const c = await checkSession(db.prisma, sid, policy);
      if (!c.ok) throw new Error(c.reason);
      return loader.load(userId, { versions: c.versions, delegations: c.delegations });
    };
    const first = await checkSession(db.prisma, sid, policy);
    if (!first.ok) throw new Error(first.reason);
    expect(first.versions).toEqual([expect.objectContaining({ id: root, roles_version: await rolesVersion() })]);
    expect(decide(await check(), "stock.read", { nodeId: seattle })).toBe(false);

    // Created (with its binding) in one transaction: the loader must read the new role to grant it.
    const roleId = `rv-${randomUUID()}`;
    await db.prisma.$transaction(async (tx) => {
      await tx.role.create({ data: { id: roleId, key: "rv_new", name: "Stock Reader", family: "clinic", tenantId: root, grants: [{ permission: "stock.read", scope: "subtree" }] } });
      await tx.roleBinding.create({ data: { userId, nodeId: seattle, roleId } });
      await bumpAuthzVersion(tx, root);
    });
    const created = await check();
    expect(created.bindings.find((b) => b.roleId === roleId)?.roleName).toBe("Stock Reader");
    expect(decide(created, "stock.read", { nodeId: seattle })).toBe(true);

    // Deleted (its binding first): the next decision refuses.
    await db.prisma.$transaction(async (tx) => {
      await tx.roleBinding.deleteMany({ where: { roleId } });
      await tx.role.delete({ where: { id: roleId } });
      await bumpAuthzVersion(tx, root);
    });
    const deleted = await check();
    expect(decide(deleted, "stock.read", { nodeId: seattle })).toBe(false);

    // A role nobody holds, deleted by hand: the version moves and the roles are read again.
    const spare = `rv-${randomUUID()}`;
    await db.prisma.role.create({ data: { id: spare, key: "rv_spare", name: "Spare", family: "clinic", tenantId: root } });
    await check();
    const version = await rolesVersion();
    const loads = loader.stats.roleLoads;
    await db.prisma.$executeRaw`DELETE FROM roles WHERE id = ${spare}`;
    expect(await rolesVersion()).toBe(version + 1);
    await check();
    expect(loader.stats.roleLoads).toBe(loads + 1);
  });
});
