/**
 * Managing the org tree against a real database (PGlite always; PostgreSQL too when
 * TEST_DATABASE_URL is set), on the demo data. After every create, move and archive the closure
 * table must equal a recomputation from parent_id, depths must match, the tenant's tree and authz
 * versions must be bumped and an audit row written, all in the same transaction.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AppError } from "../api/errors";
import { decide } from "../authz";
import { SubjectLoader } from "../authz/load";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { enterableNodes } from "../context/enterable";
import { setMemberRoles } from "../members/admin";
import { seedDemoData } from "../../prisma/seed";
import type { Actor } from "../members/admin";
import { archiveNode, createChildNode, locationTree, moveNode, nodeMembers, renameNode } from "./manage";

describe.each(TEST_DATABASES)("managing the org tree ($name)", (kind) => {
  let db: TestDatabase;
  let loader: SubjectLoader;
  const users = new Map<string, string>();
  const nodes = new Map<string, string>();
  let root: string;
  const actor = async (email: string): Promise<Actor> => {
    loader.clear();
    const userId = users.get(email)!;
    return { subject: await loader.load(userId), userId, ip: null };
  };
  const tx = <T>(fn: (tx: Parameters<Parameters<TestDatabase["prisma"]["$transaction"]>[0]>[0]) => Promise<T>) => db.prisma.$transaction(fn);
  const versions = async () => db.prisma.orgNode.findUniqueOrThrow({ where: { id: root }, select: { authzVersion: true, treeVersion: true } });
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  };

  /** The closure table as it must be: every (ancestor, descendant, depth) walked from parent_id. */
  async function expectClosureExact() {
    const all = await db.prisma.orgNode.findMany({ select: { id: true, parentId: true, depth: true } });
    const parent = new Map(all.map((n) => [n.id, n.parentId]));
    const expected: string[] = [];
    for (const n of all) {
      let depth = 0;
      for (let at: string | null | undefined = n.id; at; at = parent.get(at), depth++) expected.push(`${at}>${n.id}@${depth}`);
      expect(n.depth, `depth of ${n.id}`).toBe(depth - 1);
    }
    const actual = (await db.prisma.orgNodeClosure.findMany()).map((c) => `${c.ancestorId}>${c.descendantId}@${c.depth}`);
    expect(actual.sort()).toEqual(expected.sort());
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    loader = new SubjectLoader(db.prisma);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) users.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
    root = nodes.get("Northwind Dental Group")!;
  });
  afterAll(async () => db?.destroy());

  test("the seeded closure table is exact (the check itself works)", async () => {
    await expectClosureExact();
  });

  test("the tree under a place lists open nodes depth-first with patients and the people bound at each node", async () => {
    const { nodes: tree } = await locationTree(db.prisma, nodes.get("West Region")!, { withMembers: true });
    expect(tree.map((n) => `${"  ".repeat(n.depth)}${n.name}`)).toEqual([
      "West Region",
      "  Portland Practice",
      "    Portland Pearl District",
      "  Seattle Practice",
      "    Seattle Downtown",
      "    Seattle Northgate",
    ]);
    const seattle = tree.find((n) => n.name === "Seattle Practice")!;
    const seattleMembers = await nodeMembers(db.prisma, seattle.id);
    expect(seattleMembers.map((m) => `${m.name}: ${m.roleName}`)).toContain("Maya Manager: Manager");
    for (const n of tree) expect(n.members, `member count at ${n.name}`).toBe((await nodeMembers(db.prisma, n.id)).length);
    expect(tree.find((n) => n.name === "Seattle Downtown")!.patients).toBe(5);
    const bare = await locationTree(db.prisma, nodes.get("Boston Practice")!, { withMembers: false });
    expect(bare.nodes.map((n) => n.name)).toEqual(["Boston Practice", "Boston Back Bay"]);
    expect(bare.nodes.every((n) => n.members === 0)).toBe(true);
  });

  test("a pending (invited, not accepted) role is neither counted nor listed among a node's people", async () => {
    const seattle = nodes.get("Seattle Practice")!;
    const count = async () => (await locationTree(db.prisma, nodes.get("West Region")!, { withMembers: true })).nodes.find((n) => n.id === seattle)!.members;
    const before = { count: await count(), people: (await nodeMembers(db.prisma, seattle)).map((m) => m.userId) };
    const invitee = users.get("owner@lakeside.test")!;
    const pending = await db.prisma.roleBinding.create({ data: { userId: invitee, nodeId: seattle, roleId: "builtin:front_desk", pending: true } });
    try {
      expect(await count()).toBe(before.count);
      expect((await nodeMembers(db.prisma, seattle)).map((m) => m.userId)).toEqual(before.people);
      await db.prisma.roleBinding.update({ where: { id: pending.id }, data: { pending: false } });
      expect(await count()).toBe(before.count + 1);
      expect((await nodeMembers(db.prisma, seattle)).map((m) => m.userId)).toContain(invitee);
    } finally {
      await db.prisma.roleBinding.delete({ where: { id: pending.id } });
    }
  });

  test("create: only valid child kinds; closure rows, versions and audit", async () => {
    const west = await actor("west.admin@northwind.test");
    const before = await versions();
    const { id } = await tx((t) => createChildNode(t, west, { parentId: nodes.get("Portland Practice")!, kind: "LOCATION", name: "Portland Eastside" }));
    nodes.set("Portland Eastside", id);
    await expectClosureExact();
    const after = await versions();
    expect(after.treeVersion).toBeGreaterThan(before.treeVersion);
    expect(after.authzVersion).toBeGreaterThan(before.authzVersion);
    expect(await db.prisma.auditEvent.count({ where: { action: "location.created", targetId: id, tenantId: root } })).toBe(1);

    const wrongKind = await refusal(tx((t) => createChildNode(t, west, { parentId: nodes.get("Portland Practice")!, kind: "REGION", name: "Nope" })));
    expect(wrongKind).toMatchObject({ code: "invalid", fields: { kind: [expect.any(String)] } });
    const underLocation = await refusal(tx((t) => createChildNode(t, west, { parentId: id, kind: "LOCATION", name: "Nope" })));
    expect(underLocation.code).toBe("invalid");
    const dupName = await refusal(tx((t) => createChildNode(t, west, { parentId: nodes.get("Portland Practice")!, kind: "LOCATION", name: "portland eastside" })));
    expect(dupName.code).toBe("conflict");
  });

  test("rename: audited, versions bumped, names unique among siblings", async () => {
    const west = await actor("west.admin@northwind.test");
    const before = await versions();
    await tx((t) => renameNode(t, west, { nodeId: nodes.get("Portland Eastside")!, name: "Portland Hawthorne" }));
    expect((await db.prisma.orgNode.findUniqueOrThrow({ where: { id: nodes.get("Portland Eastside")! } })).name).toBe("Portland Hawthorne");
    expect((await versions()).treeVersion).toBe(before.treeVersion + 1);
    expect(await db.prisma.auditEvent.findFirst({ where: { action: "location.renamed", targetId: nodes.get("Portland Eastside")! } })).toMatchObject({ details: { from: "Portland Eastside", to: "Portland Hawthorne" } });
    const clash = await refusal(tx((t) => renameNode(t, west, { nodeId: nodes.get("Portland Eastside")!, name: "Portland Pearl District" })));
    expect(clash.code).toBe("conflict");
  });

  test("move a whole subtree: closure rows rewritten for every moved node; access follows the tree", async () => {
    const owner = await actor("owner@northwind.test");
    const frontdesk = await actor("frontdesk@northwind.test");
    // Before: Boston's front desk can't see Portland.
    expect(decide(frontdesk.subject, "appointments.read", { nodeId: nodes.get("Portland Pearl District")! })).toBe(false);
    const consultantBefore = await actor("consultant@northwind.test");
    expect(decide(consultantBefore.subject, "locations.read", { nodeId: nodes.get("Portland Pearl District")! })).toBe(false);
    const before = await versions();
    await tx((t) => moveNode(t, owner, { nodeId: nodes.get("Portland Practice")!, newParentId: nodes.get("East Region")! }));
    await expectClosureExact();
    expect((await versions()).treeVersion).toBe(before.treeVersion + 1);
    expect(await db.prisma.auditEvent.count({ where: { action: "location.moved", targetId: nodes.get("Portland Practice")! } })).toBe(1);
    // The consultant bound at East Region now reaches Portland's locations; West's admin no longer does.
    expect(decide((await actor("consultant@northwind.test")).subject, "locations.read", { nodeId: nodes.get("Portland Pearl District")! })).toBe(true);
    expect(decide((await actor("west.admin@northwind.test")).subject, "locations.read", { nodeId: nodes.get("Portland Pearl District")! })).toBe(false);
    // Move it back.
    await tx((t) => moveNode(t, owner, { nodeId: nodes.get("Portland Practice")!, newParentId: nodes.get("West Region")! }));
    await expectClosureExact();
  });

  test("move: never under itself or its own descendant, never to another tenant, only to a kind that can hold it", async () => {
    const owner = await actor("owner@northwind.test");
    const west = nodes.get("West Region")!;
    expect((await refusal(tx((t) => moveNode(t, owner, { nodeId: west, newParentId: nodes.get("Seattle Practice")! })))).code).toBe("invalid");
    expect((await refusal(tx((t) => moveNode(t, owner, { nodeId: west, newParentId: west })))).code).toBe("invalid");
    // Lakeside is a tenant the Northwind owner isn't in: not found, not "forbidden".
    expect((await refusal(tx((t) => moveNode(t, owner, { nodeId: nodes.get("Seattle Downtown")!, newParentId: nodes.get("Lakeside Physio")! })))).code).toBe("not_found");
    // Someone in both tenants still can't move across them.
    const both = users.get("owner@lakeside.test")!;
    await tx((t) => setMemberRoles(t, owner, root, both, [{ nodeId: root, roleId: "builtin:admin" }], { requireExisting: false }));
    // Offered to someone not yet in the tenant, the role is pending until they accept: accept it here.
    await db.prisma.roleBinding.updateMany({ where: { userId: both, nodeId: root }, data: { pending: false } });
    const lakesideOwner = await actor("owner@lakeside.test");
    const cross = await refusal(tx((t) => moveNode(t, lakesideOwner, { nodeId: nodes.get("Lakeside Downtown")!, newParentId: nodes.get("Seattle Practice")! })));
    expect(cross).toMatchObject({ code: "invalid", fields: { newParentId: ["Choose a place in this organisation."] } });
    expect((await refusal(tx((t) => moveNode(t, owner, { nodeId: nodes.get("Seattle Downtown")!, newParentId: west })))).code).toBe("invalid");
    expect((await refusal(tx((t) => moveNode(t, owner, { nodeId: root, newParentId: west })))).code).toBe("conflict");
    await expectClosureExact();
  });

  test("move needs locations.edit at the destination too", async () => {
    // West's admin holds locations.edit in West Region only: moving Seattle Northgate to Boston is refused.
    const west = await actor("west.admin@northwind.test");
    const err = await refusal(tx((t) => moveNode(t, west, { nodeId: nodes.get("Seattle Northgate")!, newParentId: nodes.get("Boston Practice")! })));
    expect(err.code).toBe("not_found"); // East Region is outside everything West's admin can see
    const owner = await actor("owner@northwind.test");
    // Admin at Seattle, Front Desk at Portland (reads Portland's locations, can't edit them): moving into Portland is refused.
    await tx((t) => setMemberRoles(t, owner, root, users.get("inventory@northwind.test")!, [{ nodeId: nodes.get("Seattle Practice")!, roleId: "builtin:admin" }]));
    await tx((t) => setMemberRoles(t, owner, root, users.get("inventory@northwind.test")!, [{ nodeId: nodes.get("Portland Practice")!, roleId: "builtin:front_desk" }]));
    const seattleAdmin = await actor("inventory@northwind.test");
    const refused = await refusal(tx((t) => moveNode(t, seattleAdmin, { nodeId: nodes.get("Seattle Northgate")!, newParentId: nodes.get("Portland Practice")! })));
    expect(refused.code).toBe("forbidden");
    // West's admin can move a location between West's practices.
    await tx((t) => moveNode(t, west, { nodeId: nodes.get("Seattle Northgate")!, newParentId: nodes.get("Portland Practice")! }));
    await expectClosureExact();
    await tx((t) => moveNode(t, west, { nodeId: nodes.get("Seattle Northgate")!, newParentId: nodes.get("Seattle Practice")! }));
  });

  test("archive: refused (409) while patients, open children or people's roles remain; then it leaves the tree and the switcher", async () => {
    const owner = await actor("owner@northwind.test");
    const withPatients = await refusal(tx((t) => archiveNode(t, owner, { nodeId: nodes.get("Seattle Downtown")! })));
    expect(withPatients).toMatchObject({ code: "conflict", message: expect.stringMatching(/5 patients are registered here/) });
    const withChildren = await refusal(tx((t) => archiveNode(t, owner, { nodeId: nodes.get("Portland Practice")! })));
    expect(withChildren.message).toMatch(/open places are inside it/);
    expect((await refusal(tx((t) => archiveNode(t, owner, { nodeId: root })))).code).toBe("conflict");

    const hawthorne = nodes.get("Portland Eastside")!;
    await tx((t) => setMemberRoles(t, owner, root, users.get("dr.lee@northwind.test")!, [{ nodeId: hawthorne, roleId: "builtin:provider" }]));
    expect((await refusal(tx((t) => archiveNode(t, owner, { nodeId: hawthorne })))).message).toMatch(/1 person has a role here/);
    await tx((t) => setMemberRoles(t, owner, root, users.get("dr.lee@northwind.test")!, [{ nodeId: hawthorne, roleId: null }]));

    const before = await versions();
    await tx((t) => archiveNode(t, owner, { nodeId: hawthorne }));
    expect((await versions()).treeVersion).toBe(before.treeVersion + 1);
    expect(await db.prisma.auditEvent.count({ where: { action: "location.archived", targetId: hawthorne } })).toBe(1);
    await expectClosureExact();
    const tree = await locationTree(db.prisma, nodes.get("Portland Practice")!, { withMembers: false });
    expect(tree.nodes.map((n) => n.name)).toEqual(["Portland Practice", "Portland Pearl District"]);
    expect(tree.archived).toBe(1);
    expect(enterableNodes((await actor("owner@northwind.test")).subject).map((n) => n.name)).not.toContain("Portland Hawthorne");
    // Nothing new goes under an archived node, and nothing moves into it.
    expect((await refusal(tx((t) => renameNode(t, owner, { nodeId: hawthorne, name: "Back" })))).code).toBe("conflict");
  });
});
