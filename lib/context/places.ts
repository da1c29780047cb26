import { lookupNode, type Subject } from "../authz/subject";
import { subtreeIds, type NodeKind } from "../authz/tree";

/** What each kind of place is called in the UI. Universal (no server-only imports): client components use it too. */
export const NODE_KIND_LABEL: Record<NodeKind, string> = {
  ENTERPRISE: "Enterprise",
  REGION: "Region",
  PRACTICE: "Practice",
  LOCATION: "Location",
  CARE_PROFILE: "Care profile",
};

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
