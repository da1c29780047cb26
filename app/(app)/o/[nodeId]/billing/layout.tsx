import { requireSection } from "@/lib/context/server";

/** The billing pages exist at clinic places only (the page registry): elsewhere a real 404. */
export default async function BillingLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  await requireSection((await params).nodeId, "/billing");
  return children;
}
