import { notFound } from "next/navigation";
import { pageAccess } from "@/lib/context/pages";
import { requireSection } from "@/lib/context/server";

/**
 * The schedule pages exist at clinic places, for roles that read appointments or edit a provider's
 * hours there. For everyone else (Billing, Inventory, the AI Assistant Handler) the section is a real
 * 404 — not a page they are refused — so a direct URL reveals nothing.
 */
export default async function ScheduleLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  const ctx = await requireSection((await params).nodeId, "/schedule");
  if (pageAccess(ctx.subject, ctx.node, "schedule") !== "ok" && pageAccess(ctx.subject, ctx.node, "schedule.hours") !== "ok") notFound();
  return children;
}
