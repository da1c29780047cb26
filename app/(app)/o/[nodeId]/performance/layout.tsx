import { notFound } from "next/navigation";
import { pageAccess } from "@/lib/context/pages";
import { requireSection } from "@/lib/context/server";

/** Provider performance exists at clinic places for roles that read it (Owner/Admin, Manager, a Provider's own row); a 404 for the rest. */
export default async function PerformanceLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  const ctx = await requireSection((await params).nodeId, "/performance");
  if (pageAccess(ctx.subject, ctx.node, "performance") !== "ok") notFound();
  return children;
}
