import type { SqlRunner } from "../../lib/db/client";
import { compileSubject, GrantTables, type BindingRow, type RoleRow, type Subject } from "../../lib/authz/subject";
import { buildTree, type NodeKind, type NodeRow, type TenantTree } from "../../lib/authz/tree";

/**
 * Everything the benchmark reads back from the database, in bulk (one query per table): the trees,
 * the custom roles, every binding, and the closure table (the baselines take their ancestor paths
 * from it, independently of lib/authz/tree.ts).
 */
export interface UserBinding extends BindingRow {
  userId: string;
  nodeId: string;
  roleId: string;
  adjustments: unknown;
  expiresAt: Date | null;
}

export interface Universe {
  trees: Map<string, TenantTree>;
  customRoles: Map<string, RoleRow>;
  /** One set of shared grant tables for every subject compiled here (as the loader keeps one per tenant). */
  grantTables: GrantTables;
  bindingsByUser: Map<string, UserBinding[]>;
  /** Users with at least one binding, in a stable order. */
  userIds: string[];
  allUserIds: string[];
  nodeKind: Map<string, NodeKind>;
  nodeRoot: Map<string, string>;
  nodeName: Map<string, string>;
  /** From org_node_closure: the node and its ancestors, nearest first. */
  pathOf: Map<string, string[]>;
  /** From org_node_closure: the node and everything below it. */
  subtreeOf: Map<string, string[]>;
  nodesByRoot: Map<string, string[]>;
  bindingCount: number;
}

export async function loadUniverse(sql: SqlRunner): Promise<Universe> {
  const nodes = await sql.query<{ id: string; parent_id: string | null; root_id: string; kind: NodeKind; name: string; time_zone: string; feature_flags: unknown; archived_at: Date | null }>(
    `SELECT id, parent_id, root_id, kind, name, time_zone, feature_flags, archived_at FROM org_nodes ORDER BY id`,
  );
  const byRoot = new Map<string, NodeRow[]>();
  const nodeKind = new Map<string, NodeKind>();
  const nodeRoot = new Map<string, string>();
  const nodeName = new Map<string, string>();
  for (const n of nodes) {
    const row: NodeRow = { id: n.id, parentId: n.parent_id, rootId: n.root_id, kind: n.kind, name: n.name, timeZone: n.time_zone, featureFlags: n.feature_flags, archivedAt: n.archived_at };
    const list = byRoot.get(n.root_id);
    if (list) list.push(row);
    else byRoot.set(n.root_id, [row]);
    nodeKind.set(n.id, n.kind);
    nodeRoot.set(n.id, n.root_id);
    nodeName.set(n.id, n.name);
  }
  const versions = await sql.query<{ id: string; tree_version: number }>(`SELECT id, tree_version FROM org_nodes WHERE parent_id IS NULL`);
  const trees = new Map<string, TenantTree>();
  for (const v of versions) trees.set(v.id, buildTree(v.id, byRoot.get(v.id) ?? [], v.tree_version));

  const roles = await sql.query<{ id: string; key: string; name: string; tenant_id: string | null; parent_id: string | null; grants: unknown; removals: unknown }>(
    `SELECT id, key, name, tenant_id, parent_id, grants, removals FROM roles WHERE tenant_id IS NOT NULL ORDER BY id`,
  );
  const customRoles = new Map<string, RoleRow>(
    roles.map((r) => [r.id, { id: r.id, key: r.key, name: r.name, tenantId: r.tenant_id, parentId: r.parent_id, grants: r.grants, removals: r.removals }]),
  );

  const bindings = await sql.query<{ id: string; user_id: string; node_id: string; role_id: string; adjustments: unknown; expires_at: Date | null }>(
    `SELECT id, user_id, node_id, role_id, adjustments, expires_at FROM role_bindings ORDER BY user_id, id`,
  );
  const bindingsByUser = new Map<string, UserBinding[]>();
  for (const b of bindings) {
    const row: UserBinding = { id: b.id, userId: b.user_id, nodeId: b.node_id, roleId: b.role_id, adjustments: b.adjustments, expiresAt: b.expires_at };
    const list = bindingsByUser.get(b.user_id);
    if (list) list.push(row);
    else bindingsByUser.set(b.user_id, [row]);
  }

  const closure = await sql.query<{ ancestor_id: string; descendant_id: string; depth: number }>(
    `SELECT ancestor_id, descendant_id, depth FROM org_node_closure ORDER BY descendant_id, depth`,
  );
  const pathOf = new Map<string, string[]>();
  const subtreeOf = new Map<string, string[]>();
  for (const c of closure) {
    const p = pathOf.get(c.descendant_id);
    if (p) p.push(c.ancestor_id);
    else pathOf.set(c.descendant_id, [c.ancestor_id]);
    const s = subtreeOf.get(c.ancestor_id);
    if (s) s.push(c.descendant_id);
    else subtreeOf.set(c.ancestor_id, [c.descendant_id]);
  }
  const nodesByRoot = new Map<string, string[]>();
  for (const [id, root] of nodeRoot) {
    const list = nodesByRoot.get(root);
    if (list) list.push(id);
    else nodesByRoot.set(root, [id]);
  }
  const allUserIds = (await sql.query<{ id: string }>(`SELECT id FROM users ORDER BY id`)).map((r) => r.id);
  return {
    trees,
    customRoles,
    grantTables: new GrantTables(customRoles),
    bindingsByUser,
    userIds: [...bindingsByUser.keys()],
    allUserIds,
    nodeKind,
    nodeRoot,
    nodeName,
    pathOf,
    subtreeOf,
    nodesByRoot,
    bindingCount: bindings.length,
  };
}

/** The same inputs SubjectLoader.compile() hands to compileSubject, taken from the bulk-loaded rows. */
export function compileFromRows(u: Universe, userId: string, rows: readonly UserBinding[] = u.bindingsByUser.get(userId) ?? []): Subject {
  const rootIds = [...new Set(rows.map((b) => u.nodeRoot.get(b.nodeId)!))].sort();
  const trees = new Map(rootIds.map((id) => [id, u.trees.get(id)!]));
  const roles = new Map<string, RoleRow>();
  for (const r of u.customRoles.values()) if (r.tenantId && rootIds.includes(r.tenantId)) roles.set(r.id, r);
  return compileSubject({ userId, bindings: rows, roles, trees, grantTables: u.grantTables });
}
