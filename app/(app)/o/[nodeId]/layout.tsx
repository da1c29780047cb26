import { ContextNav, type NavItem } from "@/components/shell/context-nav";
import { careNavItems } from "@/lib/care/nav";
import { can } from "@/lib/context/enterable";
import { requireContext } from "@/lib/context/server";

const KIND_LABEL = { ENTERPRISE: "Enterprise", REGION: "Region", PRACTICE: "Practice", LOCATION: "Location", CARE_PROFILE: "Care profile" } as const;

export default async function PlaceLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requireContext((await params).nodeId);
  const base = `/o/${node.id}`;
  const items: NavItem[] = [
    { href: base, label: "Overview" },
    ...careNavItems(subject, node),
    ...(can(subject, "members.read", node.id) ? [{ href: `${base}/settings/users`, label: node.kind === "CARE_PROFILE" ? "Team" : "Users" }] : []),
    ...(can(subject, "roles.read", node.id) ? [{ href: `${base}/settings/roles`, label: "Roles" }] : []),
    ...(node.kind !== "CARE_PROFILE" && can(subject, "locations.read", node.id) ? [{ href: `${base}/settings/locations`, label: "Locations" }] : []),
    ...(can(subject, "settings.read", node.tenantId) ? [{ href: `${base}/settings/security`, label: "Security" }] : []),
    ...(can(subject, "members.manage_roles", node.id) ? [{ href: `${base}/settings/access-check`, label: "Why can't they see it?" }] : []),
  ];
  return (
    <div className="space-y-6">
      <div className="border-b border-slate-200">
        <p className="text-xs font-medium text-slate-500">
          {KIND_LABEL[node.kind]}
          {node.trail.length > 0 && <> · {node.trail.join(" › ")}</>}
        </p>
        <div className="mb-3 mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight" data-testid="place-name">
            {node.name}
          </h1>
          <span className="rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-700 ring-1 ring-brand-100" data-testid="place-role">
            {node.role}
            {node.via && <span className="font-normal"> · via {node.via}</span>}
          </span>
        </div>
        {items.length > 1 && <ContextNav items={items} />}
      </div>
      {children}
    </div>
  );
}
