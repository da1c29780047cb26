"use client";

import { useMemo, useRef, useState } from "react";
import type { LocationNode } from "@/lib/orgs/manage";
import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";

/**
 * The org tree as nested lists: arrow keys move between places, Left/Right collapse and expand,
 * a click selects a place. How many archived places are hidden is noted below it.
 */
export function LocationTree({ nodes, selectedId, onSelect, archived }: { nodes: LocationNode[]; selectedId: string | undefined; onSelect: (id: string) => void; archived: number }) {
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const children = useMemo(() => {
    const map = new Map<string | null, LocationNode[]>();
    for (const n of nodes) map.set(n.parentId, [...(map.get(n.parentId) ?? []), n]);
    return map;
  }, [nodes]);

  const treeRef = useRef<HTMLUListElement>(null);
  function onTreeKey(e: React.KeyboardEvent) {
    const items = [...(treeRef.current?.querySelectorAll<HTMLButtonElement>("[data-tree-item]") ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const id = items[i].dataset.nodeId!;
    if (e.key === "ArrowDown" && i < items.length - 1) items[i + 1].focus();
    else if (e.key === "ArrowUp" && i > 0) items[i - 1].focus();
    else if (e.key === "Home") items[0].focus();
    else if (e.key === "End") items[items.length - 1].focus();
    else if (e.key === "ArrowRight") setCollapsed((c) => new Set([...c].filter((x) => x !== id)));
    else if (e.key === "ArrowLeft") setCollapsed((c) => new Set([...c, id]));
    else return;
    e.preventDefault();
  }

  const renderNode = (n: LocationNode): React.ReactNode => {
    const kids = children.get(n.id) ?? [];
    const open = !collapsed.has(n.id);
    return (
      <li key={n.id} data-testid="tree-node" data-name={n.name}>
        <div className="flex items-center gap-1">
          {kids.length > 0 ? (
            <button
              type="button"
              aria-expanded={open}
              aria-controls={`children-${n.id}`}
              onClick={() => setCollapsed((c) => (open ? new Set([...c, n.id]) : new Set([...c].filter((x) => x !== n.id))))}
              className="flex h-6 w-6 shrink-0 items-center justify-center rounded text-slate-600 hover:bg-slate-100"
            >
              <svg aria-hidden="true" viewBox="0 0 20 20" className={`h-4 w-4 fill-current transition-transform ${open ? "rotate-90" : ""}`}>
                <path d="M7 5l6 5-6 5z" />
              </svg>
              <span className="sr-only">
                {open ? "Collapse" : "Expand"} {n.name}
              </span>
            </button>
          ) : (
            <span className="w-6 shrink-0" aria-hidden="true" />
          )}
          <button
            type="button"
            data-tree-item
            data-node-id={n.id}
            aria-current={n.id === selectedId ? "true" : undefined}
            onClick={() => onSelect(n.id)}
            className="flex min-w-0 flex-1 items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100 aria-[current=true]:bg-brand-50 aria-[current=true]:ring-1 aria-[current=true]:ring-brand-100"
          >
            <span className="min-w-0 truncate font-medium text-slate-800">{n.name}</span>
            <span className="shrink-0 text-xs text-slate-600">{NODE_KIND_LABEL[n.kind]}</span>
          </button>
        </div>
        {kids.length > 0 && open && (
          <ul id={`children-${n.id}`} className="ml-3 border-l border-slate-200 pl-2" aria-label={`Inside ${n.name}`}>
            {kids.map(renderNode)}
          </ul>
        )}
      </li>
    );
  };

  return (
    <section aria-labelledby="tree-heading" className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h3 id="tree-heading" className="mb-1 text-sm font-semibold uppercase tracking-wide text-slate-600">
        Organisation tree
      </h3>
      <p className="mb-3 text-xs text-slate-600">Choose a place to see its people and what you can change. Arrow keys move between places.</p>
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions */}
      <ul ref={treeRef} onKeyDown={onTreeKey} aria-label="Places" data-testid="location-tree">
        {(children.get(null) ?? []).map(renderNode)}
      </ul>
      {archived > 0 && (
        <p className="mt-3 text-xs text-slate-600" data-testid="archived-count">
          {archived} archived {archived === 1 ? "place is" : "places are"} hidden.
        </p>
      )}
    </section>
  );
}
