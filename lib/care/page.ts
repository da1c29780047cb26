import "server-only";
import { notFound, redirect } from "next/navigation";
import type { Permission } from "../authz";
import { holds } from "../context/enterable";
import { requireContext } from "../context/server";
import { careProfileOf } from "./common";

/**
 * For pages under /o/[nodeId]/care: the place must be a care profile the person belongs to (404
 * otherwise, like every place), and they must hold at least one of the permissions in some scope
 * (a Member's "assigned" schedule counts); else back to the overview with the usual notice.
 */
export async function requireCarePage(unverifiedNodeId: string, anyOf: Permission[]) {
  const ctx = await requireContext(unverifiedNodeId);
  const profile = ctx.node.kind === "CARE_PROFILE" ? careProfileOf(ctx.subject, ctx.node.id) : null;
  if (!profile) notFound();
  if (!anyOf.some((p) => holds(ctx.subject, p, profile.id))) redirect(`/o/${profile.id}?denied=${encodeURIComponent(anyOf[0])}`);
  return { ...ctx, profile };
}
