import { CATALOGUE, RESOURCES, SCOPE_ASSIGNED, SCOPE_NODE, SCOPE_OWN, isLive, lookupNode, resourceOf, type CompiledGrant, type Resource, type Subject } from "../authz";
import type { NodeKind } from "../authz/tree";

export interface Membership {
  bindingId: string;
  nodeId: string;
  nodeName: string;
  kind: NodeKind;
  roleId: string;
  role: string;
  tenantId: string;
  tenantName: string;
  /** Names from the tenant root down to the node, e.g. ["Northwind Dental Group", "West Region"]. */
  path: string[];
  expiresAt: string | null;
  /** What the role allows there, feature by feature, in catalogue order. */
  access: { resource: Resource; label: string; group: string; actions: string[] }[];
}

/** Where a person belongs and what they may do there, read from their compiled subject (no I/O). */
export function membershipsOf(subject: Subject, now = Date.now()): Membership[] {
  return subject.bindings
    .filter((b) => isLive(b, now))
    .map((b) => {
      const node = lookupNode(subject, b.nodeId)!;
      const names = node.ancestors.map((id) => lookupNode(subject, id)!.name).reverse();
      const byResource = new Map<Resource, string[]>();
      for (const [permission, grants] of b.grants) {
        const r = resourceOf(permission);
        byResource.set(r, [...(byResource.get(r) ?? []), describeAction(permission.slice(r.length + 1), grants)]);
      }
      return {
        bindingId: b.id,
        nodeId: b.nodeId,
        nodeName: b.nodeName,
        kind: b.nodeKind,
        roleId: b.roleId,
        role: b.roleName,
        tenantId: b.rootId,
        tenantName: names[0],
        path: names,
        expiresAt: Number.isFinite(b.expiresAt) ? new Date(b.expiresAt).toISOString() : null,
        access: RESOURCES.filter((r) => byResource.has(r)).map((r) => ({
          resource: r,
          label: CATALOGUE[r].label,
          group: CATALOGUE[r].group,
          actions: byResource.get(r)!,
        })),
      };
    })
    .sort((a, b) => a.tenantName.localeCompare(b.tenantName) || a.path.length - b.path.length || a.nodeName.localeCompare(b.nodeName));
}

/** "approve under $200", "read (assigned)": the action with the limits of its widest grant. */
function describeAction(action: string, grants: readonly CompiledGrant[]): string {
  const widest = grants[0];
  const words = [action.replace(/_/g, " ")];
  if (widest.maxAmount !== undefined) words.push(`under $${widest.maxAmount}`);
  if (widest.scope === SCOPE_OWN) words.push("(own)");
  if (widest.scope === SCOPE_ASSIGNED) words.push("(assigned)");
  if (widest.scope === SCOPE_NODE) words.push("(here only)");
  return words.join(" ");
}
