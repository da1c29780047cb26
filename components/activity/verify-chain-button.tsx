"use client";

import { useState } from "react";
import { fetchJson } from "@/components/client/result";
import { buttonClass } from "@/components/ui/form";

type Verdict = { ok: true; count: number } | { ok: false; brokenAt: string; at: string | null; action: string | null };

/** "Verify chain": re-walks the organisation's hash chain on the server and names the first broken link. */
export function VerifyChainButton({ nodeId }: { nodeId: string }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "bad"; text: string } | null>(null);
  async function verify() {
    setBusy(true);
    const result = await fetchJson<Verdict>(`/api/activity/${nodeId}/verify`, { method: "POST", body: {} });
    setBusy(false);
    if (!result.ok) return setMessage({ tone: "bad", text: result.error.message });
    const v = result.data;
    setMessage(
      v.ok
        ? { tone: "ok", text: `Chain verified: all ${v.count.toLocaleString("en-US")} events are intact.` }
        : { tone: "bad", text: `Chain broken at event #${v.brokenAt}${v.action ? ` (${v.action}` : ""}${v.at ? `, ${new Date(v.at).toISOString().replace("T", " ").slice(0, 19)} UTC)` : v.action ? ")" : ""}: this event or the one before it was changed outside the application.` },
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button type="button" className={buttonClass.secondary} onClick={verify} disabled={busy}>
        {busy ? "Verifying…" : "Verify chain"}
      </button>
      <p role="status" className={message?.tone === "bad" ? "text-sm font-medium text-red-700" : "text-sm text-emerald-800"}>
        {message?.text}
      </p>
    </div>
  );
}
