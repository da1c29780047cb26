import { lookupNode, type Subject } from "../authz/subject";
import { subtreeIds, type NodeKind } from "../authz/tree";

/** The open nodes at and under a place, in tree order, with their depth below it (for pickers). */
export function placesUnder(subject: Subject, nodeId: string) {
  const tree = subject.trees.find((t) => t.nodes.has(nodeId));
  if (!tree) return [];
  const base = lookupNode(subject, nodeId)!.ancestors.length;
  return subtreeIds(tree, nodeId)
    .map((id) => tree.nodes.get(id)!)
    .filter((n) => !n.archived)
    .map((n) => ({ id: n.id, name: n.name, kind: n.kind, depth: n.ancestors.length - base }));
}
