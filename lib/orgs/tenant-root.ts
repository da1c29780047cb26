import type { AccessContext } from "../api/handler";

/**
 * For an entry point's `access.resource`: the clinic tenant root named by `tenantId` (an enterprise
 * or a practice at the top of its tree, not archived; care profiles have no tenant settings of this
 * kind), or null, which the wrapper answers with 404.
 */
export async function clinicTenantRoot(input: { tenantId: string }, ctx: AccessContext): Promise<{ nodeId: string } | null> {
  const node = await ctx.db.orgNode.findUnique({ where: { id: input.tenantId }, select: { id: true, rootId: true, kind: true, archivedAt: true } });
  return node && node.id === node.rootId && node.kind !== "CARE_PROFILE" && !node.archivedAt ? { nodeId: node.id } : null;
}
