import { requireSection } from "@/lib/context/server";

/**
 * The care-team pages exist only where the page registry says (care profiles): anywhere else this
 * answers 404 before the pages' loading boundaries start a response. Each page still runs its own
 * guard, requireCarePage(nodeId, "care.<page>").
 */
export default async function CareLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  await requireSection((await params).nodeId, "/care");
  return children;
}
