import { newEnforcer, newModelFromString, type Enforcer } from "casbin";
import type { Universe } from "../dataset/universe";
import { RoleFlattener, SOD_FIELDS, effective, type FlatGrant } from "./flatten";

/**
 * casbin encoding: RBAC with domains (g = user, role, domain) where a domain is an org node, plus
 * action groups (g2 = permission, group) so that the policy has one p line per (role, scope,
 * condition) rather than per (role, permission).
 *
 * Domain hierarchy: the request carries the record's node and its ancestors, r.d0 (the record's
 * node) … r.d3 (padded with ""), taken from org_node_closure. A binding at node X is the grouping
 * policy g(user, role, X); the matcher looks for it at each level, and node-scoped grants only at
 * level 0. (Rejected alternatives: casbin's addDomainHierarchy / domain matching functions rebuild
 * the role set over every domain on each g() call; expanding each binding to every node of its
 * subtree turns 200k bindings into ~1M g lines and needs "direct"/"inherited" role twins for
 * node scope.)
 *
 * Scope and conditions are ABAC clauses on r.obj (the record): own → r.obj.ownerId == r.sub;
 * assigned → also r.obj.assigneeIds.includes(r.sub); maxAmount → r.obj.amount < p.max;
 * separation of duties → p.sod names the record field that must not be the user.
 *
 * Per-binding adjustments: additions become an add-on role for that binding (g(user, "b+<id>", X));
 * a binding with removals gets its own role with the full effective grant list ("b-<id>").
 */
export const CASBIN_MODEL = `
[request_definition]
r = sub, d0, d1, d2, d3, act, obj

[policy_definition]
p = sub, act, scope, max, sod

[role_definition]
g = _, _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g2(r.act, p.act) && (g(r.sub, p.sub, r.d0) || p.scope != "node" && (g(r.sub, p.sub, r.d1) || g(r.sub, p.sub, r.d2) || g(r.sub, p.sub, r.d3))) && (p.scope == "subtree" || p.scope == "node" || r.obj.ownerId == r.sub || p.scope == "assigned" && r.obj.assigneeIds.includes(r.sub)) && (p.max == "" || r.obj.amount != undefined && r.obj.amount < p.max) && (p.sod != "approvedById" || r.obj.approvedById != r.sub) && (p.sod != "requestedById" || r.obj.requestedById != r.sub)
`;

export interface CasbinBuild {
  enforcer: Enforcer;
  pLines: number;
  gLines: number;
  g2Lines: number;
  roles: number;
  /** p lines an encoding without action groups (one per role × permission) would have. */
  ungroupedPLines: number;
  buildMs: number;
}

export async function buildCasbin(u: Universe, flattener: RoleFlattener, userIds: readonly string[], now: number): Promise<CasbinBuild> {
  const t0 = performance.now();
  const p: string[][] = [];
  const g: string[][] = [];
  const g2: string[][] = [];
  const defined = new Set<string>();
  let ungrouped = 0;
  const define = (roleKey: string, grants: readonly FlatGrant[]) => {
    if (defined.has(roleKey)) return;
    defined.add(roleKey);
    ungrouped += grants.length;
    const groups = new Map<string, { scope: string; max: string; sod: string; perms: Set<string> }>();
    for (const gr of grants) {
      const max = gr.maxAmount === undefined ? "" : String(gr.maxAmount);
      const sod = SOD_FIELDS.get(gr.permission) ?? "";
      const name = `${roleKey}|${gr.scope}|${max}|${sod}`;
      let group = groups.get(name);
      if (!group) groups.set(name, (group = { scope: gr.scope, max, sod, perms: new Set() }));
      group.perms.add(gr.permission);
    }
    for (const [name, group] of groups) {
      p.push([roleKey, name, group.scope, group.max, group.sod]);
      for (const perm of group.perms) g2.push([perm, name]);
    }
  };
  for (const userId of userIds) {
    for (const b of u.bindingsByUser.get(userId) ?? []) {
      const rootId = u.nodeRoot.get(b.nodeId)!;
      const parts = flattener.binding(b, rootId, now);
      if (!parts) continue;
      if (parts.removed.size > 0 && parts.roleGrants.some((gr) => parts.removed.has(gr.permission))) {
        const key = `b-${b.id}`;
        define(key, effective(parts));
        g.push([userId, key, b.nodeId]);
        continue;
      }
      const roleKey = `${rootId}/${b.roleId}`;
      define(roleKey, parts.roleGrants);
      g.push([userId, roleKey, b.nodeId]);
      if (parts.added.length > 0) {
        const key = `b+${b.id}`;
        define(key, parts.added);
        g.push([userId, key, b.nodeId]);
      }
    }
  }
  const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL));
  if (p.length) await enforcer.addPolicies(p);
  if (g.length) await enforcer.addGroupingPolicies(g);
  if (g2.length) await enforcer.addNamedGroupingPolicies("g2", g2);
  return { enforcer, pLines: p.length, gLines: g.length, g2Lines: g2.length, roles: defined.size, ungroupedPLines: ungrouped, buildMs: performance.now() - t0 };
}
