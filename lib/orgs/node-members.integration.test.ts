/**
 * Settings > Locations loads a node's people only when the node is selected, through
 * nodeMembersAction: members.read at that node, 404 for a node the caller can't reach.
 * Run as real callers (runAs) on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { nodeMembersAction } from "./actions";
import { AppError } from "../api/errors";
import { runAs, type Spec } from "../api/handler";
import { TEST_DATABASES, createTestDatabase, type TestDatabase } from "../db/testing";
import { callerFor, useDatabase } from "../testing/callers";
import { seedDemoData } from "../../prisma/seed";
import type { TreeMember } from "./manage";

const spec = (nodeMembersAction as unknown as { spec: Spec<never, TreeMember[]> }).spec;

describe.each(TEST_DATABASES)("a selected node's people ($name)", (kind) => {
  let db: TestDatabase;
  const nodes = new Map<string, string>();
  const members = async (email: string, node: string) => {
    try {
      return { ok: true as const, names: (await runAs(spec, { nodeId: nodes.get(node) }, await callerFor(db, email))).map((m) => `${m.name}: ${m.roleName}`) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false as const, code: err.code };
      throw err;
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedDemoData(db.prisma);
    useDatabase(db);
    for (const n of await db.prisma.orgNode.findMany({ select: { id: true, name: true } })) nodes.set(n.name, n.id);
  });
  afterAll(async () => db?.destroy());

  test("a region admin gets the people with a role at exactly that node", async () => {
    const seattle = await members("west.admin@northwind.test", "Seattle Practice");
    expect(seattle.ok && seattle.names).toContain("Maya Manager: Manager");
    // West Region's own people: the region admin, not the practices' staff.
    const region = await members("west.admin@northwind.test", "West Region");
    expect(region.ok).toBe(true);
    expect(region.ok && region.names.some((n) => n.startsWith("Maya Manager"))).toBe(false);
  });

  test("without members.read there it is 403; a node outside the caller's reach is 404", async () => {
    expect(await members("frontdesk@northwind.test", "Boston Practice")).toEqual({ ok: false, code: "forbidden" });
    expect(await members("frontdesk@northwind.test", "Seattle Practice")).toEqual({ ok: false, code: "not_found" });
    expect(await members("owner@lakeside.test", "Seattle Practice")).toEqual({ ok: false, code: "not_found" });
  });
});
