"use client";

import { useState } from "react";
import { approveOrderAction, createOrderAction } from "@/lib/inventory/actions";
import { buttonClass, inputClass } from "@/components/ui/form";
import { useServerAction } from "@/components/client/use-server-action";

/** Approve a purchase order, or the policy's reason why not (from the server's explain()). */
export function ApproveOrder({ nodeId, orderId, approve }: { nodeId: string; orderId: string; approve: { allowed: boolean; reason: string } }) {
  const run = useServerAction(approveOrderAction, { refresh: true });
  if (!approve.allowed)
    return (
      <p className="max-w-xs text-right text-xs text-slate-600" data-testid="order-reason">
        {approve.reason}
      </p>
    );
  return (
    <div className="text-right">
      <button type="button" className={buttonClass.primary} disabled={run.pending} onClick={() => run.run({ nodeId, orderId })} data-testid="order-approve">
        Approve order
      </button>
      {run.error && <p role="alert" className="text-xs text-red-700">{run.error.message}</p>}
    </div>
  );
}

/** Reorder a low stock line. */
export function ReorderForm({ nodeId, stockId, suggested, label }: { nodeId: string; stockId: string; suggested: number; label: string }) {
  const [quantity, setQuantity] = useState(String(suggested));
  const run = useServerAction(createOrderAction, { refresh: true });
  const error = run.error?.fields?.quantity?.[0] ?? run.error?.message;
  return (
    <form
      className="flex items-center justify-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        void run.run({ nodeId, stockId, quantity });
      }}
    >
      <label className="sr-only" htmlFor={`qty-${stockId}`}>
        Quantity of {label} to order
      </label>
      <input id={`qty-${stockId}`} className={`${inputClass} mt-0 w-20`} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} aria-invalid={error ? true : undefined} />
      <button type="submit" className={buttonClass.secondary} disabled={run.pending} data-testid="reorder">
        Order
      </button>
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </form>
  );
}
