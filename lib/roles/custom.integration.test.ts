/**
 * Custom roles against a real database (PGlite always; PostgreSQL too when TEST_DATABASE_URL is
 * set), on the demo data: create / edit / delete with the rules (grant only what you hold, built-in
 * roles read-only, 409 while in use), the stored diff, inheritance flowing from parent to child, the
 * affected-people count, audit rows and authz version bumps.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AppError } from "../api/errors";
import { decide, resolveRoleGrants, type Grant, type Permission } from "../authz";
import { SubjectLoader } from "../authz/load";
import { builtinRoleId, TEMPLATES_BY_ID } from "../authz/roles";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { setMemberRoles } from "../members/admin";
import { seedDemoData } from "../../prisma/seed";
import {
  affectedPeople,
  createCustomRole,
  deleteCustomRole,
  diffAgainstParent,
  getRole,
  grantableScopes,
  listRoles,
  tenantRoleRows,
  updateCustomRole,
  STALE_ROLE_MESSAGE,
} from "./custom";
import type { Actor } from "../members/admin";
import { inSubtree } from "../orgs/nodes";

const g = (permission: Permission, scope: Grant["scope"] = "subtree", extra: Partial<Grant> = {}): Grant => ({ permission, scope, ...extra });
const template = (key: string) => TEMPLATES_BY_ID.get(builtinRoleId(key))!.grants;

describe("diffAgainstParent (pure)", () => {
  test("stores only additions and removals, and a changed grant as remove + add", () => {
    const parent = [g("patients.read"), g("patients.edit"), g("refunds.approve", "subtree", { conditions: { maxAmount: 200 } })];
    const desired = [g("patients.read"), g("refunds.approve", "subtree", { conditions: { maxAmount: 500 } }), g("charges.read", "node")];
    const diff = diffAgainstParent(parent, desired);
    expect(diff.removals.sort()).toEqual(["patients.edit", "refunds.approve"]);
    // In catalogue order.
    expect(diff.grants).toEqual([g("charges.read", "node"), g("refunds.approve", "subtree", { conditions: { maxAmount: 500 } })]);
    expect({ added: diff.added, changed: diff.changed, removed: diff.removed }).toEqual({ added: ["charges.read"], changed: ["refunds.approve"], removed: ["patients.edit"] });
  });

  test("an unchanged set stores nothing, whatever the order", () => {
    const manager = template("manager");
    expect(diffAgainstParent(manager, [...manager].reverse())).toMatchObject({ grants: [], removals: [] });
  });

  test("parent − removals + grants gives back exactly the desired set (every built-in as parent)", () => {
    for (const t of TEMPLATES_BY_ID.values()) {
      const kept = t.grants.slice(2).map((x, i) => (i % 3 === 0 ? { ...x, scope: "node" as const } : x));
      const desired = kept.some((x) => x.permission === "audit_log.export") ? kept : [...kept, g("audit_log.export")];
      const diff = diffAgainstParent(t.grants, desired);
      const rebuilt = resolveRoleGrants("r", new Map([["r", { id: "r", key: "r", name: "r", tenantId: "t", parentId: builtinRoleId(t.key), grants: diff.grants, removals: diff.removals }]]));
      const key = (gs: Grant[]) => gs.map((x) => JSON.stringify(x)).sort();
      expect(key(rebuilt)).toEqual(key(desired));
    }
  });
});

describe.each(TEST_DATABASES)("custom roles ($name)", (kind) => {
  let db: TestDatabase;
  let loader: SubjectLoader;
  const users = new Map<string, string>();
  const nodes = new Map<string, string>();
  const actor = async (email: string): Promise<Actor> => {
    loader.clear();
    const userId = users.get(email)!;
    return { subject: await loader.load(userId), userId, ip: "203.0.113.9" };
  };
  const tx = <T>(fn: (tx: Parameters<Parameters<TestDatabase["prisma"]["$transaction"]>[0]>[0]) => Promise<T>) => db.prisma.$transaction(fn);
  const rootVersion = async () => (await db.prisma.orgNode.findUniqueOrThrow({ where: { id: nodes.get("Northwind Dental Group")! }, select: { authzVersion: true } })).authzVersion;
  const versionOf = async (id: string) => (await db.prisma.role.findUniqueOrThrow({ where: { id }, select: { version: true } })).version;
  /** An edit as the editor makes it: from the role's current version. */
  const save = async (who: Actor, placeId: string, id: string, fields: Parameters<typeof updateCustomRole>[4]) => {
    const version = await versionOf(id);
    return tx((t) => updateCustomRole(t, who, placeId, id, fields, version));
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    loader = new SubjectLoader(db.prisma);
    for (const u of await db.prisma.user.findMany({ select: { id: true, email: true } })) users.set(u.email, u.id);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  });
  afterAll(async () => db?.destroy());

  test("the list shows the family's built-in roles with how many people hold each in the place", async () => {
    const west = await listRoles(db.prisma, nodes.get("West Region")!);
    expect(west.family).toBe("clinic");
    expect(west.builtin.map((r) => r.name)).toEqual(["Owner", "Admin", "Manager", "Provider", "Front Desk", "Billing", "Inventory Manager", "AI Assistant Handler"]);
    const holders = Object.fromEntries(west.builtin.map((r) => [r.name, r.holders]));
    // West Region: west.admin (Admin); Seattle: manager, 2 providers, inventory, ai handler; Portland: manager as front desk.
    expect(holders).toMatchObject({ Owner: 0, Admin: 1, Manager: 1, Provider: 2, "Front Desk": 1, "Inventory Manager": 1, "AI Assistant Handler": 1, Billing: 0 });
    const care = await listRoles(db.prisma, nodes.get("Rob's Care")!);
    expect(care.builtin.map((r) => r.name)).toEqual(["Owner", "Admin", "Member", "Viewer"]);
  });

  test("holders are distinct people with an accepted role: a pending invitation adds nobody, a second binding of the same role counts once", async () => {
    const westId = nodes.get("West Region")!;
    const count = async (name: string) => (await listRoles(db.prisma, westId)).builtin.find((r) => r.name === name)!.holders;
    const provider = await db.prisma.roleBinding.findFirstOrThrow({ where: { roleId: builtinRoleId("provider"), pending: false, node: inSubtree(westId) }, select: { userId: true } });
    const [providers, billing] = [await count("Provider"), await count("Billing")];
    const portland = nodes.get("Portland Practice")!;
    const added = [
      await db.prisma.roleBinding.create({ data: { userId: provider.userId, nodeId: portland, roleId: builtinRoleId("provider") } }),
      await db.prisma.roleBinding.create({ data: { userId: users.get("owner@lakeside.test")!, nodeId: portland, roleId: builtinRoleId("billing"), pending: true } }),
    ];
    try {
      expect(await count("Provider")).toBe(providers);
      expect(await count("Billing")).toBe(billing);
    } finally {
      await db.prisma.roleBinding.deleteMany({ where: { id: { in: added.map((b) => b.id) } } });
    }
  });

  test("a tenant admin creates a role from a parent; only the difference is stored; audit and version bump in the same transaction", async () => {
    const west = await actor("west.admin@northwind.test");
    const before = await rootVersion();
    const desired = [...template("front_desk").filter((x) => x.permission !== "calls.read"), g("charges.read", "node"), g("payments.process")];
    const { id } = await tx((t) => createCustomRole(t, west, nodes.get("West Region")!, { name: "Front Desk Plus", description: "Front desk who also takes payments", parentId: builtinRoleId("front_desk"), grants: desired }));
    const row = await db.prisma.role.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ tenantId: nodes.get("Northwind Dental Group"), parentId: builtinRoleId("front_desk"), family: "clinic", removals: ["calls.read"] });
    expect(row.grants).toEqual([g("charges.read", "node"), g("payments.process")]);
    expect(await rootVersion()).toBe(before + 1);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "role.created", targetId: id } });
    expect(audit).toMatchObject({ actorId: users.get("west.admin@northwind.test"), tenantId: nodes.get("Northwind Dental Group"), ip: "203.0.113.9" });
    expect(audit.details).toMatchObject({ added: ["charges.read", "payments.process"], removed: ["calls.read"] });

    const detail = (await getRole(db.prisma, nodes.get("West Region")!, id))!;
    expect(detail.parentGrants).toEqual(template("front_desk"));
    expect(detail.grants.map((x) => x.permission).sort()).toEqual(desired.map((x) => x.permission).sort());
  });

  test("nobody grants what they don't hold: an admin can't put tenant.delete in a role (403), nor start from Owner unchanged", async () => {
    const west = await actor("west.admin@northwind.test");
    const place = nodes.get("West Region")!;
    const err = await refusal(tx((t) => createCustomRole(t, west, place, { name: "Sneaky", description: "", parentId: builtinRoleId("manager"), grants: [...template("manager"), g("tenant.delete")] })));
    expect(err.code).toBe("forbidden");
    expect(err.message).toMatch(/tenant\.delete/);
    const fromOwner = await refusal(tx((t) => createCustomRole(t, west, place, { name: "Owner Copy", description: "", parentId: builtinRoleId("owner"), grants: template("owner") })));
    expect(fromOwner.code).toBe("forbidden");
    expect(await db.prisma.role.count({ where: { name: { in: ["Sneaky", "Owner Copy"] } } })).toBe(0);
    // The editor is told the same thing before saving.
    const grantable = grantableScopes(west.subject, place);
    expect(grantable["tenant.delete"]).toBeUndefined();
    expect(grantable["patients.read"]).toEqual(["own", "assigned", "node", "subtree"]);
    // The owner may.
    const owner = await actor("owner@northwind.test");
    const ok = await tx((t) => createCustomRole(t, owner, nodes.get("Northwind Dental Group")!, { name: "Deputy Owner", description: "", parentId: builtinRoleId("owner"), grants: template("owner").filter((x) => x.permission !== "tenant.transfer_ownership") }));
    expect((await db.prisma.role.findUniqueOrThrow({ where: { id: ok.id } })).removals).toEqual(["tenant.transfer_ownership"]);
  });

  test("a narrower grant than the actor holds is fine; a wider one is not", async () => {
    const manager = await actor("manager@northwind.test");
    // The manager holds refunds.approve only under $200: they can't hand it out unconditioned.
    expect(grantableScopes(manager.subject, nodes.get("Seattle Practice")!)["refunds.approve"]).toBeUndefined();
    expect(grantableScopes(manager.subject, nodes.get("Seattle Practice")!)["appointments.read"]).toEqual(["own", "assigned", "node", "subtree"]);
  });

  test("names are validated, unique in the tenant and never a built-in's", async () => {
    const owner = await actor("owner@northwind.test");
    const place = nodes.get("Northwind Dental Group")!;
    const dup = await refusal(tx((t) => createCustomRole(t, owner, place, { name: "front desk plus", description: "", parentId: builtinRoleId("manager"), grants: template("manager") })));
    expect(dup).toMatchObject({ code: "conflict", fields: { name: ["Another role here already has that name."] } });
    const builtin = await refusal(tx((t) => createCustomRole(t, owner, place, { name: "Manager", description: "", parentId: builtinRoleId("manager"), grants: template("manager") })));
    expect(builtin.code).toBe("conflict");
    const bad = await refusal(tx((t) => createCustomRole(t, owner, place, { name: "<script>", description: "", parentId: "builtin:care_owner", grants: template("manager") })));
    expect(bad.code).toBe("invalid");
  });

  test("a change to a parent role flows to its children; the edit reports how many people it affects", async () => {
    const owner = await actor("owner@northwind.test");
    const place = nodes.get("Northwind Dental Group")!;
    const parent = await tx((t) => createCustomRole(t, owner, place, { name: "Lead Hygienist", description: "", parentId: builtinRoleId("provider"), grants: template("provider") }));
    const child = await tx((t) => createCustomRole(t, owner, place, { name: "Senior Lead Hygienist", description: "", parentId: parent.id, grants: [...template("provider"), g("stock.read")] }));
    // Someone holds the child role at Portland Practice.
    await tx((t) => setMemberRoles(t, owner, place, users.get("dr.patel@northwind.test")!, [{ nodeId: nodes.get("Portland Practice")!, roleId: child.id }]));
    expect((await affectedPeople(db.prisma, place, parent.id)).people).toBe(1);

    let patel = await actor("dr.patel@northwind.test");
    expect(decide(patel.subject, "products.read", { nodeId: nodes.get("Portland Practice")! })).toBe(false);
    const result = await save(owner, place, parent.id, { name: "Lead Hygienist", description: "Now reads products", parentId: builtinRoleId("provider"), grants: [...template("provider"), g("products.read")] });
    expect(result.affected).toBe(1);
    const roles = await tenantRoleRows(db.prisma, place);
    expect(resolveRoleGrants(child.id, roles).map((x) => x.permission)).toEqual(expect.arrayContaining(["products.read", "stock.read"]));
    patel = await actor("dr.patel@northwind.test");
    expect(decide(patel.subject, "products.read", { nodeId: nodes.get("Portland Practice")! })).toBe(true);

    // Deleting: refused (409) while a role inherits from it, and while someone holds it.
    const blocked = await refusal(tx((t) => deleteCustomRole(t, owner, place, parent.id)));
    expect(blocked.code).toBe("conflict");
    expect(blocked.message).toMatch(/Senior Lead Hygienist inherits from it/);
    const held = await refusal(tx((t) => deleteCustomRole(t, owner, place, child.id)));
    expect(held).toMatchObject({ code: "conflict", message: expect.stringMatching(/1 person holds it/) });
    await tx((t) => setMemberRoles(t, owner, place, users.get("dr.patel@northwind.test")!, [{ nodeId: nodes.get("Portland Practice")!, roleId: null }]));
    const v = await rootVersion();
    await tx((t) => deleteCustomRole(t, owner, place, child.id));
    await tx((t) => deleteCustomRole(t, owner, place, parent.id));
    expect(await rootVersion()).toBe(v + 2);
    expect(await db.prisma.role.count({ where: { id: { in: [parent.id, child.id] } } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { action: "role.deleted", targetId: { in: [parent.id, child.id] } } })).toBe(2);
  });

  test("a saved role grants only what the editor holds where it is defined: on edit too, not only what the edit adds; it can't reach people outside the actor's reach", async () => {
    const owner = await actor("owner@northwind.test");
    const west = await actor("west.admin@northwind.test");
    const root = nodes.get("Northwind Dental Group")!;
    const westId = nodes.get("West Region")!;
    // The owner defines a role at West Region carrying an owner-only permission.
    const { id } = await tx((t) => createCustomRole(t, owner, westId, { name: "Practice Steward", description: "", parentId: builtinRoleId("manager"), grants: [...template("manager"), g("tenant.transfer_ownership")] }));
    expect((await db.prisma.role.findUniqueOrThrow({ where: { id } })).nodeId).toBe(westId);
    // West's admin may manage roles there, but can't save it while it still grants what they don't hold.
    const keeps = [...template("manager").filter((x) => x.permission !== "calls.read"), g("tenant.transfer_ownership")];
    const kept = await refusal(save(west, westId, id, { name: "Practice Steward", description: "", parentId: builtinRoleId("manager"), grants: keeps }));
    expect(kept).toMatchObject({ code: "forbidden", message: expect.stringMatching(/tenant\.transfer_ownership/) });
    // Dropping it, the edit is theirs to make.
    const narrowed = template("manager").filter((x) => x.permission !== "calls.read");
    await save(west, westId, id, { name: "Practice Steward", description: "", parentId: builtinRoleId("manager"), grants: narrowed });
    // … but they can't widen it.
    const widen = await refusal(save(west, westId, id, { name: "Practice Steward", description: "", parentId: builtinRoleId("manager"), grants: [...narrowed, g("tenant.delete")] }));
    expect(widen.code).toBe("forbidden");
    // Once someone in East Region holds it, West's admin can't change it at all.
    await tx((t) => setMemberRoles(t, owner, root, users.get("frontdesk@northwind.test")!, [{ nodeId: nodes.get("New York Practice")!, roleId: id }]));
    const outside = await refusal(save(west, westId, id, { name: "Renamed", description: "", parentId: builtinRoleId("manager"), grants: narrowed }));
    expect(outside).toMatchObject({ code: "forbidden", message: expect.stringMatching(/New York Practice/) });
    await tx((t) => setMemberRoles(t, owner, root, users.get("frontdesk@northwind.test")!, [{ nodeId: nodes.get("New York Practice")!, roleId: null }]));
  });

  test("a region admin can read but not edit or delete a role defined at the enterprise (403), and it is unchanged; the enterprise owner can", async () => {
    const owner = await actor("owner@northwind.test");
    const west = await actor("west.admin@northwind.test");
    const root = nodes.get("Northwind Dental Group")!;
    const westId = nodes.get("West Region")!;
    const { id } = await tx((t) => createCustomRole(t, owner, root, { name: "Enterprise Closer", description: "may close the tenant", parentId: builtinRoleId("manager"), grants: [...template("manager"), g("tenant.delete")] }));
    const snapshot = () => db.prisma.role.findUniqueOrThrow({ where: { id }, select: { name: true, description: true, parentId: true, grants: true, removals: true, nodeId: true, updatedAt: true } });
    const before = await snapshot();
    expect(before.nodeId).toBe(root);
    const version = await rootVersion();
    // They see it from their region …
    const seen = (await getRole(db.prisma, westId, id))!;
    expect(seen.definedAt).toEqual({ nodeId: root, nodeName: "Northwind Dental Group" });
    // … but can't change it: not by narrowing, not by keeping it as it is, not by deleting it.
    for (const grants of [template("manager"), [...template("manager"), g("tenant.delete")]]) {
      const edit = await refusal(save(west, westId, id, { name: "Enterprise Closer", description: "tampered", parentId: builtinRoleId("manager"), grants }));
      expect(edit).toMatchObject({ code: "forbidden", message: "This role was defined at Northwind Dental Group; only someone who can edit roles there can change it." });
    }
    const del = await refusal(tx((t) => deleteCustomRole(t, west, westId, id)));
    expect(del).toMatchObject({ code: "forbidden", message: expect.stringMatching(/defined at Northwind Dental Group/) });
    expect(await snapshot()).toEqual(before);
    expect(await rootVersion()).toBe(version);
    expect(await db.prisma.auditEvent.count({ where: { targetId: id, action: { in: ["role.updated", "role.deleted"] } } })).toBe(0);

    // A role that predates recording where it was defined counts as defined at the tenant root.
    await db.prisma.role.update({ where: { id }, data: { nodeId: null } });
    expect((await refusal(tx((t) => deleteCustomRole(t, west, westId, id)))).code).toBe("forbidden");

    // The enterprise owner edits and deletes it (from any place in the tenant).
    await save(owner, westId, id, { name: "Enterprise Closer", description: "owner's edit", parentId: builtinRoleId("manager"), grants: template("manager") });
    expect((await snapshot()).description).toBe("owner's edit");
    await tx((t) => deleteCustomRole(t, owner, root, id));
    expect(await db.prisma.role.count({ where: { id } })).toBe(0);
  });

  test("an edit can't reach a role defined above the editor through inheritance", async () => {
    const owner = await actor("owner@northwind.test");
    const west = await actor("west.admin@northwind.test");
    const root = nodes.get("Northwind Dental Group")!;
    const westId = nodes.get("West Region")!;
    // West's admin defines a role at West; the owner builds an enterprise role on top of it.
    const base = await tx((t) => createCustomRole(t, west, westId, { name: "West Base", description: "", parentId: builtinRoleId("front_desk"), grants: template("front_desk") }));
    const top = await tx((t) => createCustomRole(t, owner, root, { name: "Enterprise Desk", description: "", parentId: base.id, grants: template("front_desk") }));
    const err = await refusal(save(west, westId, base.id, { name: "West Base", description: "", parentId: builtinRoleId("front_desk"), grants: [...template("front_desk"), g("charges.read")] }));
    expect(err).toMatchObject({ code: "forbidden", message: expect.stringMatching(/Enterprise Desk/) });
    expect(resolveRoleGrants(top.id, await tenantRoleRows(db.prisma, root)).map((x) => x.permission)).not.toContain("charges.read");
    await tx((t) => deleteCustomRole(t, owner, root, top.id));
    await tx((t) => deleteCustomRole(t, west, westId, base.id));
  });

  describe("optimistic concurrency: an edit saves only over the version it started from", () => {
    const fields = (name: string, extra: Permission) => ({ name, description: "", parentId: builtinRoleId("front_desk"), grants: [...template("front_desk"), g(extra)] });
    const state = async (id: string) => ({
      role: await db.prisma.role.findUniqueOrThrow({ where: { id }, select: { name: true, grants: true, version: true } }),
      audits: await db.prisma.auditEvent.count({ where: { action: "role.updated", targetId: id } }),
      authz: await rootVersion(),
    });

    test("a save from an old version answers 409 with nothing written; from the current one it works", async () => {
      const owner = await actor("owner@northwind.test");
      const root = nodes.get("Northwind Dental Group")!;
      const { id } = await tx((t) => createCustomRole(t, owner, root, fields("Desk Lead One", "stock.read")));
      const opened = (await getRole(db.prisma, root, id))!.version;
      expect(opened).toBe(0);
      const first = await tx((t) => updateCustomRole(t, owner, root, id, fields("Desk Lead One A", "stock.read"), opened));
      expect(first.version).toBe(1);
      const after = await state(id);
      const stale = await refusal(tx((t) => updateCustomRole(t, owner, root, id, fields("Desk Lead One B", "products.read"), opened)));
      expect(stale).toMatchObject({ code: "conflict", message: STALE_ROLE_MESSAGE });
      expect(await state(id)).toEqual(after);
      // Reloaded, the second editor saves over the current version.
      await tx((t) => updateCustomRole(t, owner, root, id, fields("Desk Lead One B", "products.read"), after.role.version));
      expect((await state(id)).role).toMatchObject({ name: "Desk Lead One B", version: 2 });
    });

    test("two concurrent saves from the same version: exactly one succeeds, the other gets 409", async () => {
      const owner = await actor("owner@northwind.test");
      const root = nodes.get("Northwind Dental Group")!;
      const { id } = await tx((t) => createCustomRole(t, owner, root, fields("Desk Lead Two", "stock.read")));
      const before = await state(id);
      const results = await Promise.allSettled([
        tx((t) => updateCustomRole(t, owner, root, id, fields("Desk Lead Two A", "stock.read"), before.role.version)),
        tx((t) => updateCustomRole(t, owner, root, id, fields("Desk Lead Two B", "products.read"), before.role.version)),
      ]);
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(AppError);
      expect(lost[0]).toMatchObject({ code: "conflict", message: STALE_ROLE_MESSAGE });
      const after = await state(id);
      expect(after.role).toMatchObject({ name: won[0] === 0 ? "Desk Lead Two A" : "Desk Lead Two B", version: before.role.version + 1 });
      expect(after.audits).toBe(before.audits + 1);
      expect(after.authz).toBe(before.authz + 1);
    });

    test("the check is in the UPDATE: a save that read the old version while another was uncommitted still gets 409", async () => {
      const owner = await actor("owner@northwind.test");
      const root = nodes.get("Northwind Dental Group")!;
      const { id } = await tx((t) => createCustomRole(t, owner, root, fields("Desk Lead Three", "stock.read")));
      const before = await state(id);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let saved!: () => void;
      const firstSaved = new Promise<void>((r) => (saved = r));
      // The first save is written but not committed …
      const first = tx(async (t) => {
        const r = await updateCustomRole(t, owner, root, id, fields("Desk Lead Three A", "stock.read"), before.role.version);
        saved();
        await held;
        return r;
      });
      await firstSaved;
      // … when the second one starts from the same version. On PostgreSQL it reads the old version,
      // passes the early check and waits on the row lock in the UPDATE; on PGlite (one connection)
      // it runs after the first commits.
      const second = tx((t) => updateCustomRole(t, owner, root, id, fields("Desk Lead Three B", "products.read"), before.role.version)).then(() => null, (e: unknown) => e);
      if (kind.url) {
        const waiting = async () => (await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0].n;
        await expect.poll(waiting, { timeout: 4_000, interval: 20 }).toBe(1);
      }
      release();
      await first;
      expect(await second).toMatchObject({ code: "conflict", message: STALE_ROLE_MESSAGE });
      const after = await state(id);
      expect(after.role).toMatchObject({ name: "Desk Lead Three A", version: before.role.version + 1 });
      expect(after.audits).toBe(before.audits + 1);
    });
  });

  test("built-in roles are read-only; another tenant's role is not found", async () => {
    const owner = await actor("owner@northwind.test");
    const root = nodes.get("Northwind Dental Group")!;
    const builtin = await refusal(save(owner, root, builtinRoleId("manager"), { name: "Manager", description: "", parentId: builtinRoleId("front_desk"), grants: template("front_desk") }));
    expect(builtin.code).toBe("forbidden");
    expect((await refusal(tx((t) => deleteCustomRole(t, owner, root, builtinRoleId("manager"))))).code).toBe("forbidden");
    const lakeside = await actor("owner@lakeside.test");
    const theirs = await tx((t) => createCustomRole(t, lakeside, nodes.get("Lakeside Physio")!, { name: "Lakeside Only", description: "", parentId: builtinRoleId("provider"), grants: template("provider") }));
    expect((await refusal(tx((t) => deleteCustomRole(t, owner, root, theirs.id)))).code).toBe("not_found");
    expect(await getRole(db.prisma, root, theirs.id)).toBeNull();
    // And can't be used as a parent across tenants.
    const cross = await refusal(tx((t) => createCustomRole(t, owner, root, { name: "Cross", description: "", parentId: theirs.id, grants: template("provider") })));
    expect(cross).toMatchObject({ code: "invalid", fields: { parentId: ["Choose one of the roles listed."] } });
  });

  test("a role can't inherit from itself or its own child", async () => {
    const owner = await actor("owner@northwind.test");
    const root = nodes.get("Northwind Dental Group")!;
    const a = await tx((t) => createCustomRole(t, owner, root, { name: "Loop A", description: "", parentId: builtinRoleId("billing"), grants: template("billing") }));
    const b = await tx((t) => createCustomRole(t, owner, root, { name: "Loop B", description: "", parentId: a.id, grants: template("billing") }));
    const err = await refusal(save(owner, root, a.id, { name: "Loop A", description: "", parentId: b.id, grants: template("billing") }));
    expect(err).toMatchObject({ code: "invalid", fields: { parentId: [expect.any(String)] } });
  });
});
