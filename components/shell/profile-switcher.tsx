"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { EnterableNode } from "@/lib/context/enterable";
import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";

/** /o/<id>/settings/users → { nodeId, rest: "/settings/users" } */
export function splitContextPath(pathname: string): { nodeId: string | null; rest: string } {
  const m = pathname.match(/^\/o\/([^/]+)(\/.*)?$/);
  return m ? { nodeId: m[1], rest: m[2] ?? "" } : { nodeId: null, rest: "" };
}

export function ProfileSwitcher({ nodes, enterprise }: { nodes: EnterableNode[]; enterprise: EnterableNode[] }) {
  const pathname = usePathname();
  const { nodeId, rest } = splitContextPath(pathname);
  const current = nodes.find((n) => n.id === nodeId);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [lastPractice, setLastPractice] = useState<string>();
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    searchRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => !rootRef.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  useEffect(() => {
    // Remember the last practice-mode place, so the Practice button can return to it.
    if (current && current.kind !== "ENTERPRISE" && current.kind !== "REGION") document.cookie = `ca_last_practice=${current.id}; path=/; max-age=31536000; samesite=lax`;
    setLastPractice(document.cookie.match(/ca_last_practice=([^;]+)/)?.[1]);
  }, [current]);

  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? nodes.filter((n) => `${n.name} ${n.tenantName} ${n.role}`.toLowerCase().includes(q)) : nodes;
  }, [nodes, query]);
  const href = (id: string) => `/o/${id}${rest}`;
  const inEnterpriseMode = current?.kind === "ENTERPRISE" || current?.kind === "REGION";
  const practiceTarget = nodes.find((n) => n.id === lastPractice && n.tenantId === current?.tenantId) ?? nodes.find((n) => n.tenantId === current?.tenantId && (n.kind === "PRACTICE" || n.kind === "LOCATION"));
  const enterpriseTarget = enterprise.find((n) => n.tenantId === current?.tenantId) ?? (current ? undefined : enterprise[0]);

  return (
    <div className="flex items-center gap-2">
      <div ref={rootRef} className="relative">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          className="flex max-w-[16rem] items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-left text-sm hover:bg-slate-50 sm:max-w-xs"
          data-testid="profile-switcher"
        >
          <span className="min-w-0 truncate">
            {current ? (
              <>
                <span className="font-medium">{current.name}</span>
                <span className="text-slate-500"> · {current.role}</span>
              </>
            ) : (
              <span className="font-medium">Switch to…</span>
            )}
          </span>
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4 shrink-0 fill-slate-500">
            <path d="M5.5 7.5L10 12l4.5-4.5z" />
          </svg>
          <span className="sr-only">Switch practice, enterprise or care profile</span>
        </button>
        {open && (
          <div id={panelId} className="absolute left-0 z-30 mt-2 w-[min(22rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-2 shadow-lg">
            <label htmlFor={`${panelId}-search`} className="sr-only">
              Find a place
            </label>
            <input
              ref={searchRef}
              id={`${panelId}-search`}
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="Find a practice, location or profile"
              className="mb-2 w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm"
            />
            <ul className="max-h-80 overflow-y-auto" aria-label="Places you can switch to">
              {filtered.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">Nothing matches “{query}”.</li>}
              {filtered.map((n, i) => (
                <li key={n.id}>
                  {(i === 0 || filtered[i - 1].tenantId !== n.tenantId) && (
                    <p className="px-3 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{n.tenantName}</p>
                  )}
                  <Link
                    href={href(n.id)}
                    onClick={() => setOpen(false)}
                    aria-current={n.id === nodeId ? "page" : undefined}
                    className="flex items-center justify-between gap-3 rounded-md px-3 py-1.5 text-sm hover:bg-slate-100 aria-[current=page]:bg-brand-50"
                    style={{ paddingLeft: `${0.75 + Math.min(n.depth, 4) * 0.75}rem` }}
                    data-testid="switcher-option"
                  >
                    <span className="min-w-0 truncate">
                      {n.name} <span className="sr-only">({NODE_KIND_LABEL[n.kind]})</span>
                    </span>
                    <span className={`shrink-0 text-xs ${n.inherited ? "text-slate-500" : "font-medium text-brand-700"}`}>{n.role}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {inEnterpriseMode && practiceTarget ? (
        <Link href={href(practiceTarget.id)} className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50" data-testid="mode-practice">
          Practice mode
        </Link>
      ) : (
        enterpriseTarget && (
          <Link href={href(enterpriseTarget.id)} className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50" data-testid="mode-enterprise">
            Enterprise
          </Link>
        )
      )}
    </div>
  );
}
