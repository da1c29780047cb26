import Link from "next/link";

/** Settings > Security's two screens: the policies and single sign-on. */
export function SecurityTabs({ nodeId, current, showSso }: { nodeId: string; current: "policies" | "sso"; showSso: boolean }) {
  if (!showSso) return null;
  const tab = (key: "policies" | "sso", href: string, label: string) => (
    <Link
      href={href}
      aria-current={current === key ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${current === key ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
    >
      {label}
    </Link>
  );
  return (
    <nav aria-label="Security settings" className="flex gap-2">
      {tab("policies", `/o/${nodeId}/settings/security`, "Policies")}
      {tab("sso", `/o/${nodeId}/settings/security/sso`, "Single sign-on")}
    </nav>
  );
}
