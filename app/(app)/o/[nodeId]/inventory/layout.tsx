import { requireSection } from "@/lib/context/server";

/** The inventory pages exist at clinic places only (the page registry): elsewhere a real 404. */
export default async function InventoryLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  await requireSection((await params).nodeId, "/inventory");
  return children;
}
