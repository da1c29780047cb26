import { createMongoAbility, type MongoAbility, type RawRuleOf } from "@casl/ability";
import type { Universe } from "../dataset/universe";
import { RoleFlattener, SOD_FIELDS, effective } from "./flatten";

/**
 * CASL encoding (one MongoAbility per user; action = the permission string, one subject type "Record").
 * The record carries `path`: its node and ancestors (from org_node_closure). Per live binding at node
 * X and per effective grant:
 *   subtree  → can(p, { path: X })                   (array field: "path contains X")
 *   node     → can(p, { nodeId: X })
 *   own      → can(p, { path: X, ownerId: me })
 *   assigned → can(p, { path: X, ownerId: me }) and can(p, { path: X, assigneeIds: me })
 *   maxAmount m adds { amount: { $lt: m, $gt: -Infinity } }
 * then, for each held permission with separation of duties, cannot(p, { <field>: me }) declared
 * last, so it overrides. Tenant isolation needs nothing: another tenant's paths never contain X.
 */
export type CaslAbility = MongoAbility<[string, "Record" | Record<string, unknown>]>;

export function buildCaslAbility(u: Universe, flattener: RoleFlattener, userId: string, now: number): { ability: CaslAbility; rules: number } {
  const rules: RawRuleOf<CaslAbility>[] = [];
  const held = new Set<string>();
  for (const b of u.bindingsByUser.get(userId) ?? []) {
    const rootId = u.nodeRoot.get(b.nodeId)!;
    const parts = flattener.binding(b, rootId, now);
    if (!parts) continue;
    for (const g of effective(parts)) {
      held.add(g.permission);
      const where: Record<string, unknown> = g.scope === "node" ? { nodeId: b.nodeId } : { path: b.nodeId };
      // $lt alone would match a record without an amount (ucast compares undefined as "less"), and
      // $exists checks the key, not the value: $gt -Infinity is what rejects a missing amount.
      if (g.maxAmount !== undefined) where.amount = { $lt: g.maxAmount, $gt: -Infinity };
      if (g.scope === "own" || g.scope === "assigned") rules.push({ action: g.permission, subject: "Record", conditions: { ...where, ownerId: userId } });
      if (g.scope === "assigned") rules.push({ action: g.permission, subject: "Record", conditions: { ...where, assigneeIds: userId } });
      if (g.scope === "subtree" || g.scope === "node") rules.push({ action: g.permission, subject: "Record", conditions: where });
    }
  }
  for (const p of held) {
    const field = SOD_FIELDS.get(p);
    if (field) rules.push({ action: p, subject: "Record", inverted: true, conditions: { [field]: userId } });
  }
  const ability = createMongoAbility(rules as never, { detectSubjectType: () => "Record" }) as CaslAbility;
  return { ability, rules: rules.length };
}
