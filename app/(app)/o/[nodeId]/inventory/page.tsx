import type { Metadata } from "next";
import Link from "next/link";
import { ApproveOrder, ReorderForm } from "@/components/billing/order-actions";
import { CareHeader, cardClass } from "@/components/care/ui";
import { decide } from "@/lib/authz";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { inventoryPlace, listOrders, listStock } from "@/lib/inventory/inventory";

export const metadata: Metadata = { title: "Inventory" };

export default async function InventoryPage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<{ low?: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "inventory");
  const place = inventoryPlace(subject, node.id)!;
  const lowOnly = (await searchParams).low === "1";
  const db = await prisma();
  const [stock, orders] = await Promise.all([listStock(db, subject, place, { lowOnly }), decide(subject, "purchase_orders.read", { nodeId: place.id }) ? listOrders(db, subject, place) : null]);
  const base = `/o/${place.id}/inventory`;
  const lowCount = stock.filter((s) => s.low).length;

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader title="Inventory" subtitle={`${place.name} · stock per location and purchase orders`} />
        <nav aria-label="Stock filter" className="mt-3 flex gap-3 text-sm">
          <Link href={base} aria-current={!lowOnly ? "page" : undefined} className={!lowOnly ? "font-semibold" : "text-brand-700 underline"}>
            All stock
          </Link>
          <Link href={`${base}?low=1`} aria-current={lowOnly ? "page" : undefined} className={lowOnly ? "font-semibold" : "text-brand-700 underline"} data-testid="low-stock-link">
            Low stock
          </Link>
        </nav>
      </section>

      <section className={`${cardClass} overflow-x-auto`} aria-labelledby="stock-title" data-testid="stock">
        <h3 id="stock-title" className="text-base font-semibold text-slate-900">
          {lowOnly ? "Low stock" : "Stock"} <span className="text-sm font-normal text-slate-600">({stock.length}{!lowOnly && lowCount > 0 ? `, ${lowCount} low` : ""})</span>
        </h3>
        <table className="mt-3 w-full min-w-[36rem] text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <th scope="col" className="py-2 pr-3 font-medium">Product</th>
              <th scope="col" className="px-3 py-2 font-medium">Location</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">On hand</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Reorder at</th>
              <th scope="col" className="py-2 pl-3 text-right font-medium"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {stock.map((s) => (
              <tr key={s.id} data-testid="stock-row" data-low={s.low ? "true" : "false"}>
                <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                  {s.product} <span className="font-mono text-xs text-slate-500">{s.sku}</span>
                </th>
                <td className="px-3 py-2 text-slate-600">{s.location}</td>
                <td className={`px-3 py-2 text-right tabular-nums ${s.low ? "font-semibold text-red-700" : ""}`}>
                  {s.quantity} {s.unit}
                  {s.low && <span className="sr-only"> (low)</span>}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{s.reorderLevel}</td>
                <td className="py-2 pl-3">
                  {s.low && decide(subject, "purchase_orders.create", { nodeId: s.nodeId, ownerId: subject.userId }) && (
                    <ReorderForm nodeId={place.id} stockId={s.id} suggested={Math.max(1, s.reorderLevel * 2 - s.quantity)} label={s.product} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {orders && (
        <section className={cardClass} aria-labelledby="orders-title" data-testid="orders">
          <h3 id="orders-title" className="text-base font-semibold text-slate-900">
            Purchase orders
          </h3>
          {orders.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">No purchase orders.</p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-100">
              {orders.map((o) => (
                <li key={o.id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="order-row">
                  <div>
                    <p className="text-sm font-medium text-slate-900">
                      {o.quantity} × {o.product} · <span className="text-slate-600">{o.status}</span>
                    </p>
                    <p className="text-xs text-slate-600">
                      {o.location} · raised by {o.requestedBy}
                    </p>
                  </div>
                  {o.status === "requested" && <ApproveOrder nodeId={place.id} orderId={o.id} approve={o.approve} />}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
