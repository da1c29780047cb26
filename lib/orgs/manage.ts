import { z } from "zod";
import { AppError, notFound } from "../api/errors";
import { recordAudit } from "../audit/audit";
import { bindingsReaching, decide, type Permission } from "../authz";
import { bumpAuthzVersion } from "../authz/load";
import type { NodeKind } from "../authz/tree";
import type { Db, Tx } from "../db/client";
import type { Actor } from "../members/admin";
import { NODE_KIND_LABEL } from "./kinds";
import { CHILD_KINDS, createNode } from "./nodes";

/**
 * Managing the org tree under a place: create, rename, move and archive nodes, each in the
 * caller's transaction, each audited, each bumping the tenant's tree and authz versions.
 * The closure table (org_node_closure) is kept exact: a move rewrites the rows of the whole moved
 * subtree. The caller has checked the permission on the node itself (locations.create on the
 * parent, locations.edit or locations.delete on the node); rules that involve a second node (the
 * destination of a move) are checked here.
 */

export const nodeNameSchema = z
  .string({ error: "Enter a name." })
  .trim()
  .min(2, "Use at least 2 characters.")
  .max(80, "Keep the name under 80 characters.")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,'&()/#-]*$/u, "Use letters, numbers, spaces and . , ' & ( ) / # - only.");

const uuid = (what: string) => z.uuid({ error: `Choose ${what}.` });

export const createNodeInput = z.object({
  parentId: uuid("where it goes"),
  kind: z.enum(["REGION", "PRACTICE", "LOCATION"], { error: "Choose what to add." }),
  name: nodeNameSchema,
});
export const renameNodeInput = z.object({ nodeId: uuid("a location"), name: nodeNameSchema });
export const moveNodeInput = z.object({ nodeId: uuid("a location"), newParentId: uuid("where to move it") });
export const archiveNodeInput = z.object({ nodeId: uuid("a location") });

async function nodeOrThrow(db: Db | Tx, nodeId: string) {
  const node = await db.orgNode.findUnique({ where: { id: nodeId }, select: { id: true, name: true, kind: true, parentId: true, rootId: true, depth: true, archivedAt: true } });
  if (!node) throw notFound("That location");
  return node;
}

async function siblingNameClash(tx: Tx, parentId: string, name: string, selfId?: string) {
  const clash = await tx.orgNode.findFirst({
    where: { parentId, archivedAt: null, name: { equals: name, mode: "insensitive" }, ...(selfId ? { NOT: { id: selfId } } : {}) },
    select: { id: true },
  });
  if (clash) throw new AppError("conflict", "Another place here already has that name.", { name: ["Another place here already has that name."] });
}

export async function createChildNode(tx: Tx, actor: Actor, input: z.infer<typeof createNodeInput>) {
  const parent = await nodeOrThrow(tx, input.parentId);
  if (parent.archivedAt) throw new AppError("conflict", "That place is archived; nothing can be added under it.");
  if (!CHILD_KINDS[parent.kind].includes(input.kind)) {
    const allowed = CHILD_KINDS[parent.kind].map((k) => NODE_KIND_LABEL[k].toLowerCase());
    throw new AppError("invalid", `A ${NODE_KIND_LABEL[parent.kind].toLowerCase()} can hold ${allowed.length ? allowed.join(" or ") + "s" : "nothing"}.`, { kind: ["Choose one of the kinds listed."] });
  }
  await siblingNameClash(tx, parent.id, input.name);
  // createNode writes the closure rows and bumps the tenant's tree and authz versions.
  const { id, rootId } = await createNode(tx, { kind: input.kind, name: input.name, parentId: parent.id });
  await recordAudit(tx, { tenantId: rootId, actorId: actor.userId, action: "location.created", targetType: "org_node", targetId: id, details: { kind: input.kind, name: input.name, parentId: parent.id }, ip: actor.ip });
  return { id };
}

export async function renameNode(tx: Tx, actor: Actor, input: z.infer<typeof renameNodeInput>) {
  const node = await nodeOrThrow(tx, input.nodeId);
  if (node.archivedAt) throw new AppError("conflict", "That place is archived.");
  if (node.name === input.name) return { id: node.id, name: node.name };
  if (node.parentId) await siblingNameClash(tx, node.parentId, input.name, node.id);
  await tx.orgNode.update({ where: { id: node.id }, data: { name: input.name } });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "location.renamed", targetType: "org_node", targetId: node.id, details: { from: node.name, to: input.name }, ip: actor.ip });
  await bumpAuthzVersion(tx, node.rootId, { tree: true });
  return { id: node.id, name: input.name };
}

const need = (actor: Actor, permission: Permission, nodeId: string, what: string) => {
  if (!decide(actor.subject, permission, { nodeId })) throw new AppError("forbidden", `You can't change locations ${what}.`);
};

/**
 * Moves a node (and everything under it) to a new parent in the same tenant. The closure rows
 * linking the moved subtree to its old ancestors are deleted and rows to the new ancestors
 * inserted, in two statements; depths of the moved nodes are recomputed.
 */
export async function moveNode(tx: Tx, actor: Actor, input: z.infer<typeof moveNodeInput>) {
  const node = await nodeOrThrow(tx, input.nodeId);
  if (!node.parentId) throw new AppError("conflict", "The top of an organisation can't be moved.");
  if (node.archivedAt) throw new AppError("conflict", "That place is archived.");
  // A destination no binding of the actor reaches is "not found" (as in lib/api/handler.ts), never a hint that it exists.
  if (bindingsReaching(actor.subject, input.newParentId).length === 0) throw notFound("That destination");
  const target = await nodeOrThrow(tx, input.newParentId);
  if (target.rootId !== node.rootId) throw new AppError("invalid", "Places can't move to another organisation.", { newParentId: ["Choose a place in this organisation."] });
  if (target.id === node.parentId) return { id: node.id };
  const inside = await tx.orgNodeClosure.findUnique({ where: { ancestorId_descendantId: { ancestorId: node.id, descendantId: target.id } } });
  if (inside) throw new AppError("invalid", "A place can't move under itself or under a place inside it.", { newParentId: ["Choose a place outside the one you are moving."] });
  if (target.archivedAt) throw new AppError("conflict", "That destination is archived.");
  if (!CHILD_KINDS[target.kind].includes(node.kind)) {
    throw new AppError("invalid", `A ${NODE_KIND_LABEL[node.kind].toLowerCase()} can't go under a ${NODE_KIND_LABEL[target.kind].toLowerCase()}.`, { newParentId: ["Choose a place that can hold it."] });
  }
  need(actor, "locations.edit", node.parentId, "where it is now");
  need(actor, "locations.edit", target.id, "at the destination");
  await siblingNameClash(tx, target.id, node.name, node.id);

  await tx.$executeRaw`
    DELETE FROM org_node_closure
    WHERE descendant_id IN (SELECT descendant_id FROM org_node_closure WHERE ancestor_id = ${node.id}::uuid)
      AND ancestor_id NOT IN (SELECT descendant_id FROM org_node_closure WHERE ancestor_id = ${node.id}::uuid)`;
  await tx.$executeRaw`
    INSERT INTO org_node_closure (ancestor_id, descendant_id, depth)
    SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1
    FROM org_node_closure a CROSS JOIN org_node_closure d
    WHERE a.descendant_id = ${target.id}::uuid AND d.ancestor_id = ${node.id}::uuid`;
  await tx.$executeRaw`
    UPDATE org_nodes n SET depth = ${target.depth + 1} + c.depth, updated_at = now()
    FROM org_node_closure c WHERE c.ancestor_id = ${node.id}::uuid AND c.descendant_id = n.id`;
  await tx.orgNode.update({ where: { id: node.id }, data: { parentId: target.id } });
  await recordAudit(tx, {
    tenantId: node.rootId,
    actorId: actor.userId,
    action: "location.moved",
    targetType: "org_node",
    targetId: node.id,
    details: { name: node.name, fromParentId: node.parentId, toParentId: target.id },
    ip: actor.ip,
  });
  await bumpAuthzVersion(tx, node.rootId, { tree: true });
  return { id: node.id };
}

/** Why a node can't be archived yet, or null when it can. */
export async function archiveBlockers(db: Db | Tx, nodeId: string) {
  const [patients, children, people] = await Promise.all([
    db.patient.count({ where: { nodeId } }),
    db.orgNode.count({ where: { parentId: nodeId, archivedAt: null } }),
    db.roleBinding.count({ where: { nodeId } }),
  ]);
  const reasons = [
    patients ? `${patients} ${patients === 1 ? "patient is" : "patients are"} registered here (move them first)` : null,
    children ? `${children} open ${children === 1 ? "place is" : "places are"} inside it (archive ${children === 1 ? "it" : "them"} first)` : null,
    people ? `${people} ${people === 1 ? "person has" : "people have"} a role here (remove or move ${people === 1 ? "it" : "them"} first)` : null,
  ].filter((r): r is string => r !== null);
  return reasons.length ? reasons : null;
}

/**
 * Archives a node: it leaves the switcher, the lists and the tree, and nothing new can go under
 * it. Refused (409) while patients, open children or people's roles are still attached, so no
 * record or access is left pointing at a place nobody can see.
 */
export async function archiveNode(tx: Tx, actor: Actor, input: z.infer<typeof archiveNodeInput>) {
  const node = await nodeOrThrow(tx, input.nodeId);
  if (!node.parentId) throw new AppError("conflict", "The top of an organisation can't be archived here.");
  if (node.archivedAt) return { id: node.id };
  const blockers = await archiveBlockers(tx, node.id);
  if (blockers) throw new AppError("conflict", `${node.name} can't be archived yet: ${blockers.join("; ")}.`);
  await tx.orgNode.update({ where: { id: node.id }, data: { archivedAt: new Date() } });
  await recordAudit(tx, { tenantId: node.rootId, actorId: actor.userId, action: "location.archived", targetType: "org_node", targetId: node.id, details: { name: node.name, parentId: node.parentId }, ip: actor.ip });
  await bumpAuthzVersion(tx, node.rootId, { tree: true });
  return { id: node.id };
}

export interface TreeMember {
  userId: string;
  name: string;
  email: string;
  roleId: string;
  roleName: string;
  expiresAt: string | null;
}
export interface LocationNode {
  id: string;
  parentId: string | null;
  kind: NodeKind;
  name: string;
  depth: number;
  patients: number;
  /** How many people have an accepted role at exactly this node (0 when not asked for). */
  members: number;
}

/**
 * The open (not archived) tree under a place, itself included, in depth-first order, with each
 * node's patient count and (when `withMembers`) how many people have an accepted role at exactly
 * that node; nodeMembers() loads the people of one node when it is selected. One query for the
 * nodes, two grouped counts, and the tree built through a map of children: linear in the nodes.
 * A node under an archived node is left out with it.
 */
export async function locationTree(db: Db | Tx, placeId: string, opts: { withMembers: boolean }) {
  const rows = await db.orgNodeClosure.findMany({
    where: { ancestorId: placeId },
    select: { depth: true, descendant: { select: { id: true, parentId: true, kind: true, name: true, archivedAt: true } } },
  });
  const [patientCounts, memberCounts] = await Promise.all([
    db.$queryRaw<{ node_id: string; n: number }[]>`
      SELECT p.node_id, count(*)::int AS n FROM org_node_closure c JOIN patients p ON p.node_id = c.descendant_id
      WHERE c.ancestor_id = ${placeId}::uuid GROUP BY p.node_id`,
    opts.withMembers
      ? db.$queryRaw<{ node_id: string; n: number }[]>`
          SELECT b.node_id, count(*)::int AS n FROM org_node_closure c
          JOIN role_bindings b ON b.node_id = c.descendant_id JOIN users u ON u.id = b.user_id
          WHERE c.ancestor_id = ${placeId}::uuid AND NOT b.pending AND u.deleted_at IS NULL GROUP BY b.node_id`
      : Promise.resolve([]),
  ]);
  const patients = new Map(patientCounts.map((p) => [p.node_id, p.n]));
  const members = new Map(memberCounts.map((m) => [m.node_id, m.n]));
  const byParent = new Map<string | null, typeof rows>();
  for (const r of rows) {
    const key = r.descendant.id === placeId ? null : r.descendant.parentId;
    const siblings = byParent.get(key);
    if (siblings) siblings.push(r);
    else byParent.set(key, [r]);
  }
  for (const siblings of byParent.values()) siblings.sort((a, b) => a.descendant.name.localeCompare(b.descendant.name));
  const out: LocationNode[] = [];
  let archived = 0;
  // Depth-first with an explicit stack (children pushed in reverse so they come out in name order).
  const stack = [...(byParent.get(null) ?? [])].reverse();
  while (stack.length) {
    const r = stack.pop()!;
    const d = r.descendant;
    if (d.archivedAt) {
      archived++;
      continue;
    }
    out.push({ id: d.id, parentId: d.id === placeId ? null : d.parentId, kind: d.kind, name: d.name, depth: r.depth, patients: patients.get(d.id) ?? 0, members: members.get(d.id) ?? 0 });
    const kids = byParent.get(d.id);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return { nodes: out, archived };
}

/** The people with an accepted role at exactly this node (not above or below it), by name. */
export async function nodeMembers(db: Db | Tx, nodeId: string): Promise<TreeMember[]> {
  const bindings = await db.roleBinding.findMany({
    where: { nodeId, pending: false, user: { deletedAt: null } },
    orderBy: [{ user: { name: "asc" } }, { userId: "asc" }],
    select: { roleId: true, expiresAt: true, role: { select: { name: true } }, user: { select: { id: true, name: true, email: true } } },
  });
  return bindings.map((b) => ({ userId: b.user.id, name: b.user.name, email: b.user.email, roleId: b.roleId, roleName: b.role.name, expiresAt: b.expiresAt?.toISOString() ?? null }));
}

export const nodeMembersInput = z.object({ nodeId: uuid("a location") });
