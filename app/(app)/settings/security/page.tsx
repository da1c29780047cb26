import { redirect } from "next/navigation";
import { decide } from "@/lib/authz";
import { requireSubject } from "@/lib/auth/session";
import { membershipsOf } from "@/lib/members/memberships";

/** Old address: security settings live under each organisation (/o/<tenant>/settings/security). */
export default async function SecuritySettingsRedirect({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { subject } = await requireSubject();
  const { tenant } = await searchParams;
  const tenants = [...new Set(membershipsOf(subject).map((m) => m.tenantId))].filter((id) => decide(subject, "settings.read", { nodeId: id }));
  const target = tenants.find((id) => id === tenant) ?? tenants[0];
  redirect(target ? `/o/${target}/settings/security` : "/");
}
