import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import type { Permission } from "../authz";
import { requireSubject } from "../auth/session";
import { can, enterable } from "./enterable";

/**
 * For pages under /o/[nodeId]: the signed-in person, their subject and the place they are in.
 * A place they can't enter is "not found" (its existence doesn't leak).
 */
export const requireContext = cache(async (unverifiedNodeId: string) => {
  const signedIn = await requireSubject();
  const node = /^[0-9a-f-]{36}$/i.test(unverifiedNodeId) ? enterable(signedIn.subject, unverifiedNodeId) : null;
  if (!node) notFound();
  return { ...signedIn, node };
});

/**
 * For a page that needs a permission at the place. The place is enterable, so a missing permission
 * (typically after switching to a place where the role is smaller) goes to the place's overview.
 */
export async function requirePagePermission(unverifiedNodeId: string, permission: Permission) {
  const ctx = await requireContext(unverifiedNodeId);
  if (!can(ctx.subject, permission, ctx.node.id)) redirect(`/o/${ctx.node.id}?denied=${encodeURIComponent(permission)}`);
  return ctx;
}
