import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { requireSubject } from "../auth/session";
import { touchMembership } from "../access/inactivity";
import { prisma } from "../db";
import { careProfileOf } from "../care/common";
import { enterable } from "./enterable";
import { pageAccess, pageEntry, sectionKinds, type PageKey } from "./pages";

/**
 * For pages under /o/[nodeId]: the signed-in person, their subject and the place they are in.
 * A place they can't enter is "not found" (its existence doesn't leak).
 */
export const requireContext = cache(async (unverifiedNodeId: string) => {
  const signedIn = await requireSubject();
  const node = /^[0-9a-f-]{36}$/i.test(unverifiedNodeId) ? enterable(signedIn.subject, unverifiedNodeId) : null;
  if (!node) notFound();
  // Inactivity expiry (issue 11): this membership was used now.
  await touchMembership(await prisma(), signedIn.user.id, node.tenantId).catch((e) => console.error("membership activity not recorded", e));
  return { ...signedIn, node };
});

/**
 * The guard of every place page: the page's entry in the registry (./pages.ts) decides, exactly as
 * it decides whether the tab shows. A page that doesn't exist at this kind of place is "not found";
 * one the role doesn't show goes to the overview with the usual notice.
 */
export async function requirePage(unverifiedNodeId: string, key: PageKey, opts: { deniedIsNotFound?: boolean } = {}) {
  const ctx = await requireContext(unverifiedNodeId);
  const access = pageAccess(ctx.subject, ctx.node, key);
  // A page whose very existence is the tenant's business (billing settings) answers 404 to the rest.
  if (access === "not_found" || (access === "denied" && opts.deniedIsNotFound)) notFound();
  if (access === "denied") redirect(`/o/${ctx.node.id}?denied=${encodeURIComponent(pageEntry(key).permission ?? "")}`);
  return ctx;
}

/** requirePage for the care-team pages: also the care profile (its time zone) the page works on. */
export async function requireCarePage(unverifiedNodeId: string, key: Extract<PageKey, `care.${string}`>) {
  const ctx = await requirePage(unverifiedNodeId, key);
  const profile = careProfileOf(ctx.subject, ctx.node.id);
  if (!profile) notFound();
  return { ...ctx, profile };
}

/** For a section's layout (app/(app)/o/[nodeId]/care/layout.tsx): 404 at a kind of place none of its pages exists at. */
export async function requireSection(unverifiedNodeId: string, prefix: string) {
  const ctx = await requireContext(unverifiedNodeId);
  if (!sectionKinds(prefix).includes(ctx.node.kind)) notFound();
  return ctx;
}
