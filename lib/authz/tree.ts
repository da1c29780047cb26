/**
 * An immutable in-memory snapshot of one tenant's org tree, so that decide() can walk a record's
 * ancestors without I/O. Built from the tenant's org_nodes rows (one indexed query on root_id).
 */

export type NodeKind = "ENTERPRISE" | "REGION" | "PRACTICE" | "LOCATION" | "CARE_PROFILE";

export interface NodeRow {
  id: string;
  parentId: string | null;
  rootId: string;
  kind: NodeKind;
  name: string;
  timeZone: string;
  featureFlags?: unknown;
  archivedAt?: Date | null;
}

export interface TreeNode {
  readonly id: string;
  readonly parentId: string | null;
  readonly rootId: string;
  readonly kind: NodeKind;
  readonly name: string;
  readonly timeZone: string;
  readonly archived: boolean;
  /** This node first, then its parent, … up to the tenant root. */
  readonly ancestors: readonly string[];
  readonly children: string[];
}

export interface TenantTree {
  readonly rootId: string;
  readonly version: number;
  readonly featureFlags: Readonly<Record<string, boolean>>;
  /** Per flag, the role ids that don't see the feature while it is on (issue 14). */
  readonly hiddenRoles: Readonly<Record<string, readonly string[]>>;
  readonly nodes: ReadonlyMap<string, TreeNode>;
}

/** A tenant's feature_flags row (issue 14): overrides the root's featureFlags JSON for that flag. */
export interface FlagRow {
  flag: string;
  enabled: boolean;
  hiddenRoleIds: readonly string[];
}

export function buildTree(rootId: string, rows: readonly NodeRow[], version = 0, flagRows: readonly FlagRow[] = []): TenantTree {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const root = byId.get(rootId);
  if (!root || root.parentId !== null) throw new Error(`Tenant root ${rootId} is missing or has a parent`);
  const nodes = new Map<string, TreeNode>();
  const build = (row: NodeRow, seen: Set<string>): TreeNode => {
    const done = nodes.get(row.id);
    if (done) return done;
    if (seen.has(row.id)) throw new Error(`Cycle in the org tree at ${row.id}`);
    seen.add(row.id);
    let ancestors: string[];
    if (row.parentId === null) ancestors = [row.id];
    else {
      const parentRow = byId.get(row.parentId);
      if (!parentRow || parentRow.rootId !== rootId) throw new Error(`Node ${row.id} has a parent outside its tenant`);
      const parent = build(parentRow, seen);
      ancestors = [row.id, ...parent.ancestors];
      parent.children.push(row.id);
    }
    const node: TreeNode = {
      id: row.id,
      parentId: row.parentId,
      rootId,
      kind: row.kind,
      name: row.name,
      timeZone: row.timeZone,
      archived: Boolean(row.archivedAt),
      ancestors,
      children: [],
    };
    nodes.set(row.id, node);
    return node;
  };
  for (const row of rows) {
    if (row.rootId !== rootId) throw new Error(`Node ${row.id} belongs to another tenant`);
    build(row, new Set());
  }
  const featureFlags = flagsOf(root.featureFlags);
  const hiddenRoles: Record<string, readonly string[]> = {};
  for (const f of flagRows) {
    featureFlags[f.flag] = f.enabled;
    if (f.hiddenRoleIds.length) hiddenRoles[f.flag] = [...f.hiddenRoleIds];
  }
  return { rootId, version, featureFlags, hiddenRoles, nodes };
}

function flagsOf(json: unknown): Record<string, boolean> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  return Object.fromEntries(Object.entries(json).filter(([, v]) => typeof v === "boolean")) as Record<string, boolean>;
}

/** Every node id in the subtree of `nodeId` (itself included), in depth-first order. */
export function subtreeIds(tree: TenantTree, nodeId: string): string[] {
  const out: string[] = [];
  const stack = [nodeId];
  while (stack.length) {
    const id = stack.pop()!;
    const node = tree.nodes.get(id);
    if (!node) continue;
    out.push(id);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return out;
}

export function isWithin(tree: TenantTree, nodeId: string, ancestorId: string): boolean {
  return tree.nodes.get(nodeId)?.ancestors.includes(ancestorId) ?? false;
}
