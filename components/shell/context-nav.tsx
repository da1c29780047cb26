"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
}

/** The tabs of a place: only those the person's role there allows are passed in. They wrap (an owner has up to 14), so none hides off-screen. */
export function ContextNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const matches = (href: string) => (href.split("/").length <= 3 ? pathname === href : pathname === href || pathname.startsWith(`${href}/`));
  // The longest matching tab is the current one (/schedule/hours is "Hours", not also "Schedule").
  const current = items.filter((i) => matches(i.href)).sort((a, b) => b.href.length - a.href.length)[0]?.href;
  const active = (href: string) => href === current;
  return (
    <nav aria-label="Sections" className="-mb-px flex flex-wrap gap-x-1">
      {items.map((item) => (
        <Link
          key={item.href}
          href={item.href}
          aria-current={active(item.href) ? "page" : undefined}
          className="whitespace-nowrap border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:border-slate-300 hover:text-slate-900 aria-[current=page]:border-brand-600 aria-[current=page]:text-brand-700"
        >
          {item.label}
        </Link>
      ))}
    </nav>
  );
}
