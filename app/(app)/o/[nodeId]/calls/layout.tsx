import { requireSection } from "@/lib/context/server";

/** The call pages exist at clinic places only (the page registry): elsewhere a real 404. */
export default async function CallsLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  await requireSection((await params).nodeId, "/calls");
  return children;
}
