/**
 * Search matches text literally: "%", "_" and "\" in `q` are not LIKE wildcards (Prisma's
 * `contains` does not escape them), on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lookupTree } from "../authz";
import { SubjectLoader } from "../authz/load";
import { COUNT_CAP, countLabel } from "../db/capped-count";
import { escapeLike } from "../db/like";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { seedDemoData } from "../../prisma/seed";
import { listMembers, memberListQuery, memberWhere, type MemberListQuery } from "./directory";

describe.each(TEST_DATABASES)("member search is literal ($name)", (kind) => {
  let db: TestDatabase;
  let seattle: string;
  const search = async (q: string) =>
    (await listMembers(db.prisma, seattle, memberListQuery.parse({ q, pageSize: 100 }))).rows.map((r) => r.name).filter((n) => n.startsWith("Zz "));

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    seattle = (await db.prisma.orgNode.findFirstOrThrow({ where: { name: "Seattle Practice" } })).id;
    // Four members of Seattle Practice get names that tell wildcards from literals.
    const members = await db.prisma.user.findMany({ where: { bindings: { some: { nodeId: seattle } } }, orderBy: { email: "asc" }, take: 4 });
    expect(members).toHaveLength(4);
    const names = ["Zz 100% Sure", "Zz abc", "Zz a_c", "Zz Back\\slash"];
    for (const [i, m] of members.entries()) await db.prisma.user.update({ where: { id: m.id }, data: { name: names[i] } });
  });
  afterAll(async () => db?.destroy());

  test("each listed role carries its role's name and place (built-in and custom), with or without the tenant passed in", async () => {
    const query = memberListQuery.parse({ pageSize: 100 });
    const page = await listMembers(db.prisma, seattle, query);
    const rootId = (await db.prisma.orgNode.findUniqueOrThrow({ where: { id: seattle } })).rootId;
    expect(await listMembers(db.prisma, seattle, query, undefined, { rootId })).toEqual(page);
    const bindings = await db.prisma.roleBinding.findMany({ where: { id: { in: page.rows.flatMap((r) => r.roles.map((b) => b.bindingId)) } }, select: { id: true, role: { select: { name: true } }, node: { select: { name: true } } } });
    const expected = new Map(bindings.map((b) => [b.id, `${b.role.name} @ ${b.node.name}`]));
    const roles = page.rows.flatMap((r) => r.roles);
    expect(roles.length).toBeGreaterThan(3);
    for (const b of roles) expect(`${b.roleName} @ ${b.nodeName}`).toBe(expected.get(b.bindingId));
    expect(new Set(roles.map((b) => b.roleName)).size).toBeGreaterThan(1);
  });

  test("with the subject's tree (as the route passes it) the page is the same, names of places included", async () => {
    const query = memberListQuery.parse({ pageSize: 100 });
    const owner = await db.prisma.user.findFirstOrThrow({ where: { email: "owner@northwind.test" } });
    const tree = lookupTree(await new SubjectLoader(db.prisma).load(owner.id), seattle);
    expect(tree).toBeDefined();
    const page = await listMembers(db.prisma, seattle, query);
    expect(await listMembers(db.prisma, seattle, query, undefined, { tree })).toEqual(page);
    expect(page.rows.flatMap((r) => r.roles).every((b) => b.nodeName && b.nodeKind)).toBe(true);
  });

  test("the list's SQL filter (memberSql) selects the same people as memberWhere for every filter", async () => {
    const northwind = (await db.prisma.orgNode.findUniqueOrThrow({ where: { id: seattle } })).rootId;
    const location = (await db.prisma.orgNode.findFirstOrThrow({ where: { parentId: seattle } })).id;
    // Give the filters something to tell apart: one suspended here, one locked, one disabled, one invited.
    const people = await db.prisma.user.findMany({ where: { bindings: { some: { nodeId: seattle } } }, orderBy: { email: "desc" }, take: 4 });
    await db.prisma.tenantSuspension.create({ data: { tenantId: northwind, userId: people[0].id } });
    await db.prisma.user.update({ where: { id: people[1].id }, data: { lockedUntil: new Date(Date.now() + 3_600_000) } });
    await db.prisma.user.update({ where: { id: people[2].id }, data: { status: "DISABLED" } });
    const accepted = await db.prisma.roleBinding.findMany({ where: { userId: people[3].id, pending: false, node: { rootId: northwind } }, select: { id: true } });
    await db.prisma.roleBinding.updateMany({ where: { id: { in: accepted.map((b) => b.id) } }, data: { pending: true } });
    try {
      const roles = [...new Set((await db.prisma.roleBinding.findMany({ where: { node: { rootId: northwind } }, select: { roleId: true } })).map((b) => b.roleId))];
      const filters: Partial<MemberListQuery>[] = [
        {},
        ...(["ACTIVE", "INVITED", "SUSPENDED", "DISABLED", "LOCKED"] as const).map((status) => ({ status })),
        { q: "zz" },
        { q: "northwind" },
        { q: "a", status: "ACTIVE" },
        { location },
        ...roles.slice(0, 3).map((role) => ({ role })),
        { role: roles[0], location, q: "e" },
      ];
      let seen = 0;
      for (const place of [seattle, northwind])
        for (const f of filters) {
          const query = memberListQuery.parse({ ...f, pageSize: 100 });
          const now = new Date();
          const viaPrisma = await db.prisma.user.findMany({ where: memberWhere(place, query, now, northwind), orderBy: [{ name: "asc" }, { id: "asc" }], select: { id: true } });
          const page = await listMembers(db.prisma, place, query, now);
          expect(page.rows.map((r) => r.id), JSON.stringify(f)).toEqual(viaPrisma.map((u) => u.id));
          expect(page.total).toBe(viaPrisma.length);
          seen += viaPrisma.length;
          if (place === seattle && f.status && !f.q) expect(viaPrisma.length, f.status).toBeGreaterThan(0);
        }
      expect(seen).toBeGreaterThan(20);
    } finally {
      await db.prisma.tenantSuspension.deleteMany({ where: { userId: people[0].id } });
      await db.prisma.user.update({ where: { id: people[1].id }, data: { lockedUntil: null } });
      await db.prisma.user.update({ where: { id: people[2].id }, data: { status: people[2].status } });
      await db.prisma.roleBinding.updateMany({ where: { id: { in: accepted.map((b) => b.id) } }, data: { pending: false } });
    }
  });

  test("the total is capped: past the cap it says so (totalCapped, \"10,000+ people\"), the page itself is unchanged", async () => {
    const query = memberListQuery.parse({ pageSize: 100 });
    const exact = await listMembers(db.prisma, seattle, query);
    expect(exact).toMatchObject({ total: exact.rows.length, totalCapped: false });
    expect(exact.total).toBeGreaterThan(2);
    const capped = await listMembers(db.prisma, seattle, query, undefined, { countCap: 2 });
    expect(capped).toMatchObject({ total: 2, totalCapped: true, rows: exact.rows });
    expect(await listMembers(db.prisma, seattle, query, undefined, { countCap: exact.total })).toMatchObject({ total: exact.total, totalCapped: false });
    expect(countLabel({ total: COUNT_CAP, totalCapped: true }, "person", "people")).toBe("10,000+ people");
    expect(countLabel({ total: 1, totalCapped: false }, "person", "people")).toBe("1 person");
    expect(countLabel({ total: 1234, totalCapped: false }, "person", "people")).toBe("1,234 people");
  });

  test.each([
    ["%", ["Zz 100% Sure"]],
    ["0%", ["Zz 100% Sure"]],
    ["a_c", ["Zz a_c"]],
    ["_", ["Zz a_c"]],
    ["\\", ["Zz Back\\slash"]],
    ["k\\s", ["Zz Back\\slash"]],
    ["ABC", ["Zz abc"]],
    ["zz a", ["Zz a_c", "Zz abc"]],
  ])("q=%j finds %j", async (q, expected) => {
    expect((await search(q)).sort()).toEqual([...expected].sort());
  });

  test("nothing else matches a wildcard character: not other names, not emails", async () => {
    for (const q of ["_", "%"]) {
      const all = await listMembers(db.prisma, seattle, memberListQuery.parse({ q, pageSize: 100 }));
      expect(all.rows.map((r) => r.name)).toEqual([q === "_" ? "Zz a_c" : "Zz 100% Sure"]);
      expect(all.total).toBe(1);
    }
  });

  test("a session-id prefix with '_' is not a wildcard (escapeLike with startsWith)", async () => {
    const user = await db.prisma.user.findFirstOrThrow();
    await db.prisma.session.create({ data: { id: "abcdefghijklmnopqrstuvwx", userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    expect(await db.prisma.session.count({ where: { id: { startsWith: "____________" } } })).toBeGreaterThan(0);
    expect(await db.prisma.session.count({ where: { id: { startsWith: escapeLike("____________") } } })).toBe(0);
    expect(await db.prisma.session.count({ where: { id: { startsWith: escapeLike("abcdefghijkl") } } })).toBe(1);
  });
});
