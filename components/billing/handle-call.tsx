"use client";

import { useState } from "react";
import { handleCallAction } from "@/lib/calls/actions";
import { buttonClass, inputClass } from "@/components/ui/form";
import { useServerAction } from "@/components/client/use-server-action";

/** Close a call's task with a short summary. */
export function HandleCall({ nodeId, callId }: { nodeId: string; callId: string }) {
  const [summary, setSummary] = useState("");
  const run = useServerAction(handleCallAction, { refresh: true });
  const error = run.error?.fields?.summary?.[0] ?? run.error?.message;
  return (
    <form
      className="mt-2 flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        void run.run({ nodeId, callId, summary });
      }}
    >
      <label className="sr-only" htmlFor={`summary-${callId}`}>
        How the call was handled
      </label>
      <input id={`summary-${callId}`} className={`${inputClass} mt-0 w-72`} placeholder="How it was handled" value={summary} onChange={(e) => setSummary(e.target.value)} aria-invalid={error ? true : undefined} maxLength={1000} />
      <button type="submit" className={buttonClass.primary} disabled={run.pending} data-testid="handle-call">
        Mark handled
      </button>
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </form>
  );
}
