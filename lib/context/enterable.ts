import { decide, enterpriseButtonBindings, holdsAt, lookupNode, type Permission, type Subject } from "../authz";
import { isLive, type CompiledBinding } from "../authz/subject";
import type { NodeKind, TenantTree } from "../authz/tree";

/**
 * The places a person can enter (switch to): every node at or below one of their live bindings,
 * each with the role that applies there (the nearest binding on the way up). Pure: read from the
 * compiled subject, so the switcher, lists and the API all show exactly what the policy allows.
 */
export interface EnterableNode {
  id: string;
  name: string;
  kind: NodeKind;
  tenantId: string;
  tenantName: string;
  /** Depth below the tenant root (0 = root), for indenting. */
  depth: number;
  /** Names from the tenant root down to the parent. */
  trail: string[];
  role: string;
  roleId: string;
  /** True when the role comes from a binding higher up the tree. */
  inherited: boolean;
  /** Where that binding is, when inherited. */
  via: string | null;
}

export type Mode = "enterprise" | "practice";
export const modeOf = (kind: NodeKind): Mode => (kind === "ENTERPRISE" || kind === "REGION" ? "enterprise" : "practice");

function nearestBinding(subject: Subject, nodeId: string, now: number): CompiledBinding | undefined {
  const node = lookupNode(subject, nodeId);
  if (!node) return undefined;
  for (const id of node.ancestors) {
    const live = subject.byNode.get(id)?.find((b) => isLive(b, now));
    if (live) return live;
  }
  return undefined;
}

function toEnterable(tree: TenantTree, nodeId: string, binding: CompiledBinding): EnterableNode {
  const node = tree.nodes.get(nodeId)!;
  const names = node.ancestors.map((id) => tree.nodes.get(id)!.name).reverse();
  return {
    id: node.id,
    name: node.name,
    kind: node.kind,
    tenantId: tree.rootId,
    tenantName: names[0],
    depth: node.ancestors.length - 1,
    trail: names.slice(0, -1),
    role: binding.roleName,
    roleId: binding.roleId,
    inherited: binding.nodeId !== node.id,
    via: binding.nodeId !== node.id ? binding.nodeName : null,
  };
}

export function enterableNodes(subject: Subject, now = Date.now()): EnterableNode[] {
  const out: EnterableNode[] = [];
  for (const tree of [...subject.trees].sort((a, b) => tree0(a).localeCompare(tree0(b)))) {
    // Depth-first over the tenant so the list reads as a tree.
    const visit = (id: string) => {
      const node = tree.nodes.get(id);
      if (!node || node.archived) return;
      const binding = nearestBinding(subject, id, now);
      if (binding) out.push(toEnterable(tree, id, binding));
      [...node.children].sort((a, b) => tree.nodes.get(a)!.name.localeCompare(tree.nodes.get(b)!.name)).forEach(visit);
    };
    visit(tree.rootId);
  }
  return out;
}

const tree0 = (t: TenantTree) => t.nodes.get(t.rootId)!.name;

/** The node if the person can enter it; null otherwise (callers answer 404, never 403). */
export function enterable(subject: Subject, nodeId: string, now = Date.now()): EnterableNode | null {
  const tree = subject.trees.find((t) => t.nodes.has(nodeId));
  const node = tree?.nodes.get(nodeId);
  if (!tree || !node || node.archived) return null;
  const binding = nearestBinding(subject, nodeId, now);
  return binding ? toEnterable(tree, nodeId, binding) : null;
}

/** Can the subject do this at the node itself (settings pages, the node's own record)? */
export function can(subject: Subject, permission: Permission, nodeId: string): boolean {
  return decide(subject, permission, { nodeId });
}

/**
 * Where the Enterprise button leads: the highest enterprise- or region-level binding in each tenant
 * with enterprise management on. Empty when the button must not show.
 */
export function enterpriseEntries(subject: Subject, now = Date.now()): EnterableNode[] {
  // Only the bindings whose role sees the button (feature flags, issue 14).
  return enterpriseButtonBindings(subject, now)
    .map((b) => enterable(subject, b.nodeId, now)!)
    .filter(Boolean)
    .sort((a, b) => a.depth - b.depth)
    .filter((n, i, all) => all.findIndex((x) => x.tenantId === n.tenantId) === i);
}

/** Holds the permission at the node in some scope (the policy module's holdsAt): for showing entry points. */
export const holds = holdsAt;
