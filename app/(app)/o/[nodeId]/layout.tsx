import { ContextNav } from "@/components/shell/context-nav";
import { placeNav } from "@/lib/context/pages";
import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";
import { requireContext } from "@/lib/context/server";

export default async function PlaceLayout({ children, params }: { children: React.ReactNode; params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requireContext((await params).nodeId);
  // The tabs are the registry's pages whose guard would let this person in (lib/context/pages.ts).
  const items = placeNav(subject, node);
  return (
    <div className="space-y-6">
      <div className="border-b border-slate-200">
        <p className="text-xs font-medium text-slate-500">
          {NODE_KIND_LABEL[node.kind]}
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
