"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
}

const tab = "whitespace-nowrap border-b-2 border-transparent font-medium text-slate-600 hover:border-slate-300 hover:text-slate-900 aria-[current=page]:border-brand-600 aria-[current=page]:text-brand-700";

/**
 * The tabs of a place: only those the person's role there allows are passed in. The daily work
 * (patients, schedule, billing …) is the first row; the administration pages (everything under
 * /settings: people, roles, security, audit, access) a smaller second row, so an owner's twenty
 * pages read as two short lists instead of one long wrapped one. Both rows wrap, so none hides off-screen.
 */
export function ContextNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const matches = (href: string) => (href.split("/").length <= 3 ? pathname === href : pathname === href || pathname.startsWith(`${href}/`));
  // The longest matching tab is the current one (/schedule/hours is "Hours", not also "Schedule").
  const current = items.filter((i) => matches(i.href)).sort((a, b) => b.href.length - a.href.length)[0]?.href;
  const link = (item: NavItem, size: string) => (
    <Link key={item.href} href={item.href} aria-current={item.href === current ? "page" : undefined} className={`${tab} ${size}`}>
      {item.label}
    </Link>
  );
  const isAdmin = (item: NavItem) => item.href.includes("/settings/");
  const work = items.filter((i) => !isAdmin(i));
  const admin = items.filter(isAdmin);
  return (
    <nav aria-label="Sections" className="-mb-px">
      <div className="flex flex-wrap gap-x-1">{work.map((i) => link(i, "px-3 py-2 text-sm"))}</div>
      {admin.length > 0 && (
        <div role="group" aria-labelledby="nav-admin" className="flex flex-wrap items-center gap-x-1 border-t border-slate-100">
          <span id="nav-admin" className="py-1.5 pl-3 pr-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
            Administration
          </span>
          {admin.map((i) => link(i, "px-2 py-1.5 text-xs"))}
        </div>
      )}
    </nav>
  );
}
