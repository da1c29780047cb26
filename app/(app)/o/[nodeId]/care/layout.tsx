import { notFound } from "next/navigation";
import { requireContext } from "@/lib/context/server";

/** The care-team pages exist only for care profiles: any other kind of place answers 404. */
export default async function CareLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  const { node } = await requireContext((await params).nodeId);
  if (node.kind !== "CARE_PROFILE") notFound();
  return children;
}
