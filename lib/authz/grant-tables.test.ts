/** Shared grant tables (issue 15): one table per (role, adjustments), the same object for every binding. */
import { describe, expect, test } from "vitest";
import { decide } from "./decide";
import { builtinRoleId } from "./roles";
import { compileSubject, GrantTables, type BindingRow, type RoleRow } from "./subject";
import { buildTree } from "./tree";

const tree = buildTree("t", [
  { id: "t", parentId: null, rootId: "t", kind: "PRACTICE", name: "Practice", timeZone: "UTC" },
  { id: "l1", parentId: "t", rootId: "t", kind: "LOCATION", name: "One", timeZone: "UTC" },
  { id: "l2", parentId: "t", rootId: "t", kind: "LOCATION", name: "Two", timeZone: "UTC" },
]);
const trees = new Map([["t", tree]]);
const custom: RoleRow = { id: "c1", key: "c1", name: "Desk Plus", tenantId: "t", parentId: builtinRoleId("front_desk"), grants: [{ permission: "refunds.read" }], removals: [] };
const broken: RoleRow = { id: "c2", key: "c2", name: "Broken", tenantId: "t", parentId: null, grants: "garbage", removals: [] };
const roles = new Map([custom, broken].map((r) => [r.id, r]));
const row = (id: string, nodeId: string, roleId: string, adjustments?: unknown): BindingRow => ({ id, nodeId, roleId, adjustments });

describe("GrantTables", () => {
  test("bindings with the same role and adjustments share one table, across subjects; other adjustments get their own", () => {
    const tables = new GrantTables(roles);
    const a = compileSubject({ userId: "a", bindings: [row("a1", "l1", "c1"), row("a2", "l2", "c1", {})], roles, trees, grantTables: tables });
    const b = compileSubject({ userId: "b", bindings: [row("b1", "l1", "c1", null), row("b2", "l2", "c1", { remove: ["refunds.read"] })], roles, trees, grantTables: tables });
    expect(a.bindings[0].grants).toBe(a.bindings[1].grants);
    expect(b.bindings[0].grants).toBe(a.bindings[0].grants);
    expect(b.bindings[1].grants).not.toBe(a.bindings[0].grants);
    expect(b.bindings[1].grants.has("refunds.read")).toBe(false);
    expect(decide(b, "refunds.read", { nodeId: "l1" })).toBe(true);
    expect(decide(b, "refunds.read", { nodeId: "l2" })).toBe(false);
    expect(tables.size).toBe(2);
  });

  test("without a cache, tables are shared within one compile only", () => {
    const one = compileSubject({ userId: "a", bindings: [row("a1", "l1", "c1"), row("a2", "l2", "c1")], roles, trees });
    const two = compileSubject({ userId: "a", bindings: [row("a1", "l1", "c1")], roles, trees });
    expect(one.bindings[0].grants).toBe(one.bindings[1].grants);
    expect(two.bindings[0].grants).not.toBe(one.bindings[0].grants);
    expect([...two.bindings[0].grants.keys()]).toEqual([...one.bindings[0].grants.keys()]);
  });

  test("a cached table's warnings are reported again: the role's once per subject, the adjustments' per binding", () => {
    const tables = new GrantTables(roles);
    const compile = () =>
      compileSubject({ userId: "a", bindings: [row("x1", "l1", "c2"), row("x2", "l2", "c2"), row("x3", "l1", "c1", { remove: "all" }), row("x4", "l2", "c1", { remove: "all" })], roles, trees, grantTables: tables });
    const first = compile();
    const again = compile();
    expect(again.warnings).toEqual(first.warnings);
    expect(first.warnings.filter((w) => w.startsWith("role c2 grants"))).toHaveLength(1);
    expect(first.warnings.filter((w) => w.includes("adjustments")).map((w) => w.split(" ")[1])).toEqual(["x3", "x4"]);
    // Fail closed either way: the broken role and the unreadable adjustments grant nothing.
    expect(decide(again, "refunds.read", { nodeId: "l1" })).toBe(false);
    expect(decide(again, "appointments.read", { nodeId: "l2" })).toBe(false);
  });

  test("a parent role that isn't among the given roles: the child grants nothing (fail closed)", () => {
    const orphan: RoleRow = { id: "c3", key: "c3", name: "Orphan", tenantId: "t", parentId: "elsewhere", grants: [{ permission: "refunds.read" }], removals: [] };
    const set = new Map([[orphan.id, orphan]]);
    const s = compileSubject({ userId: "a", bindings: [row("o1", "l1", "c3")], roles: set, trees, grantTables: new GrantTables(set) });
    expect(decide(s, "refunds.read", { nodeId: "l1" })).toBe(false);
    expect(s.warnings.some((w) => w.includes("parent role elsewhere not found"))).toBe(true);
  });
});
