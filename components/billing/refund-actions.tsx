"use client";

import { approveRefundAction, denyRefundAction, processRefundAction } from "@/lib/billing/actions";
import { buttonClass } from "@/components/ui/form";
import { useServerAction } from "@/components/client/use-server-action";

type Verdict = { allowed: boolean; reason: string };

/**
 * A refund's buttons. What may be done comes from the server (the policy's decide(), with
 * explain()'s reason when not), so the page never offers what the server would refuse, and the
 * reason (the amount limit, separation of duties) is shown beside the refund.
 */
export function RefundActions({ nodeId, refundId, status, approve, process }: { nodeId: string; refundId: string; status: string; approve: Verdict; process: Verdict }) {
  const approving = useServerAction(approveRefundAction, { refresh: true });
  const denying = useServerAction(denyRefundAction, { refresh: true });
  const processing = useServerAction(processRefundAction, { refresh: true });
  const pending = approving.pending || denying.pending || processing.pending;
  const error = approving.error ?? denying.error ?? processing.error;
  const input = { nodeId, refundId };
  const why = status === "requested" ? approve : status === "approved" ? process : null;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap justify-end gap-2">
        {status === "requested" && approve.allowed && (
          <>
            <button type="button" className={buttonClass.primary} disabled={pending} onClick={() => approving.run(input)} data-testid="refund-approve">
              Approve
            </button>
            <button type="button" className={buttonClass.secondary} disabled={pending} onClick={() => denying.run(input)} data-testid="refund-deny">
              Deny
            </button>
          </>
        )}
        {status === "approved" && process.allowed && (
          <button type="button" className={buttonClass.primary} disabled={pending} onClick={() => processing.run(input)} data-testid="refund-process">
            Process refund
          </button>
        )}
      </div>
      {why && !why.allowed && (
        <p className="max-w-xs text-right text-xs text-slate-600" data-testid="refund-reason">
          {why.reason}
        </p>
      )}
      {error && (
        <p role="alert" className="max-w-xs text-right text-xs text-red-700">
          {error.message}
        </p>
      )}
    </div>
  );
}
