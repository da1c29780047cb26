import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { NodeKind } from "../authz/tree";

/** Which kinds may sit under which: enterprise → region → practice → location; care profiles stand alone. */
export const CHILD_KINDS: Record<NodeKind, readonly NodeKind[]> = {
  ENTERPRISE: ["REGION", "PRACTICE"],
  REGION: ["PRACTICE"],
  PRACTICE: ["LOCATION"],
  LOCATION: [],
  CARE_PROFILE: [],
};
/** The nodes at and under `ancestorId` (a node is its own ancestor in the closure table), as a Prisma filter on org nodes. */
export const inSubtree = (ancestorId: string): Prisma.OrgNodeWhereInput => ({ ancestorLinks: { some: { ancestorId } } });

export const ROOT_KINDS: readonly NodeKind[] = ["ENTERPRISE", "PRACTICE", "CARE_PROFILE"];

export interface NewNode {
  id?: string;
  kind: NodeKind;
  name: string;
  parentId?: string | null;
  timeZone?: string;
  featureFlags?: Record<string, boolean>;
}

/**
 * Creates a node and its closure rows (one per ancestor, plus itself at depth 0) in the caller's
 * transaction, and bumps the tenant's tree version so cached trees reload.
 */
export async function createNode(tx: Db | Tx, input: NewNode): Promise<{ id: string; rootId: string }> {
  const id = input.id ?? randomUUID();
  if (!input.parentId) {
    if (!ROOT_KINDS.includes(input.kind)) throw new Error(`A ${input.kind.toLowerCase()} needs a parent`);
    await tx.orgNode.create({
      data: { id, kind: input.kind, name: input.name, rootId: id, depth: 0, timeZone: input.timeZone ?? "UTC", featureFlags: input.featureFlags ?? {} },
    });
    await tx.orgNodeClosure.create({ data: { ancestorId: id, descendantId: id, depth: 0 } });
    return { id, rootId: id };
  }
  const parent = await tx.orgNode.findUniqueOrThrow({ where: { id: input.parentId } });
  if (!CHILD_KINDS[parent.kind].includes(input.kind)) {
    throw new Error(`A ${input.kind.toLowerCase()} can't be placed under a ${parent.kind.toLowerCase()}`);
  }
  await tx.orgNode.create({
    data: {
      id,
      kind: input.kind,
      name: input.name,
      parentId: parent.id,
      rootId: parent.rootId,
      depth: parent.depth + 1,
      timeZone: input.timeZone ?? parent.timeZone,
      featureFlags: input.featureFlags ?? {},
    },
  });
  const ancestors = await tx.orgNodeClosure.findMany({ where: { descendantId: parent.id }, select: { ancestorId: true, depth: true } });
  await tx.orgNodeClosure.createMany({
    data: [{ ancestorId: id, descendantId: id, depth: 0 }, ...ancestors.map((a) => ({ ancestorId: a.ancestorId, descendantId: id, depth: a.depth + 1 }))],
  });
  await tx.orgNode.update({ where: { id: parent.rootId }, data: { treeVersion: { increment: 1 }, authzVersion: { increment: 1 } } });
  return { id, rootId: parent.rootId };
}

/** All ancestors of a node (nearest first, itself included): one indexed query on the closure table. */
export async function ancestorsOf(db: Db | Tx, nodeId: string) {
  const rows = await db.orgNodeClosure.findMany({ where: { descendantId: nodeId }, orderBy: { depth: "asc" }, include: { ancestor: true } });
  return rows.map((r) => r.ancestor);
}

/** The whole subtree under a node (itself included): one indexed query on the closure table. */
export async function subtreeOf(db: Db | Tx, nodeId: string) {
  const rows = await db.orgNodeClosure.findMany({ where: { ancestorId: nodeId }, orderBy: { depth: "asc" }, include: { descendant: true } });
  return rows.map((r) => r.descendant);
}
