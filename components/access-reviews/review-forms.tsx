"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonClass, inputClass } from "@/components/ui/form";
import { decideLineAction, scheduleReviewAction } from "@/lib/access-reviews/actions";

/** The owner's form: review this place now or from a date, due after N days, quarterly or once. */
export function ScheduleReviewForm({ nodeId, place }: { nodeId: string; place: string }) {
  const router = useRouter();
  const [startsOn, setStartsOn] = useState("");
  const [dueInDays, setDueInDays] = useState("14");
  const [repeat, setRepeat] = useState<"quarterly" | "once">("quarterly");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = await scheduleReviewAction({ nodeId, dueInDays: Number(dueInDays), repeat, ...(startsOn ? { startsAt: new Date(`${startsOn}T08:00:00Z`).toISOString() } : {}) });
    if (!r.ok) {
      setErrors(r.error.fields ?? {});
      setMessage(r.error.message);
      return;
    }
    setErrors({});
    setMessage(startsOn ? "Review scheduled." : "Review started: its reviewers are emailed within a few minutes.");
    router.refresh();
  }
  return (
    <form onSubmit={submit} noValidate className="grid gap-3 rounded-md border border-slate-200 bg-white p-4 sm:grid-cols-4" aria-label={`Schedule an access review of ${place}`}>
      <div>
        <label htmlFor="startsOn" className="block text-sm font-medium text-slate-700">Starts on</label>
        <input id="startsOn" type="date" className={inputClass} value={startsOn} onChange={(e) => setStartsOn(e.target.value)} aria-describedby="startsOn-hint" />
        <p id="startsOn-hint" className="mt-1 text-xs text-slate-600">Empty: now.</p>
        {errors.startsAt && <p className="mt-1 text-sm text-red-700">{errors.startsAt[0]}</p>}
      </div>
      <div>
        <label htmlFor="dueInDays" className="block text-sm font-medium text-slate-700">Days to complete</label>
        <input id="dueInDays" type="number" min={1} max={90} className={inputClass} value={dueInDays} onChange={(e) => setDueInDays(e.target.value)} aria-invalid={errors.dueInDays ? true : undefined} aria-describedby={errors.dueInDays ? "dueInDays-error" : undefined} />
        {errors.dueInDays && <p id="dueInDays-error" className="mt-1 text-sm text-red-700">{errors.dueInDays[0]}</p>}
      </div>
      <div>
        <label htmlFor="repeat" className="block text-sm font-medium text-slate-700">Repeat</label>
        <select id="repeat" className={inputClass} value={repeat} onChange={(e) => setRepeat(e.target.value as "quarterly" | "once")}>
          <option value="quarterly">Every quarter</option>
          <option value="once">Once</option>
        </select>
      </div>
      <div className="flex items-end">
        <button type="submit" className={buttonClass.primary}>Schedule review</button>
      </div>
      <p role="status" className="text-sm text-slate-700 sm:col-span-4">{message}</p>
    </form>
  );
}

/** Certify / Revoke for one pending line (a note is optional). */
export function DecideLine({ lineId, person }: { lineId: string; person: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function decide(decision: "certify" | "revoke") {
    if (decision === "revoke" && !window.confirm(`Revoke ${person}'s access here now?`)) return;
    setBusy(true);
    const r = await decideLineAction({ lineId, decision });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    router.refresh();
  }
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => decide("certify")} aria-label={`Certify ${person}`}>Certify</button>
      <button type="button" className={buttonClass.dangerOutline} disabled={busy} onClick={() => decide("revoke")} aria-label={`Revoke ${person}`}>Revoke</button>
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
    </div>
  );
}
