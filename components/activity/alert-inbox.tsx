"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonClass, inputClass } from "@/components/ui/form";
import { acknowledgeAlertAction, saveAlertRulesAction, setRetentionAction } from "@/lib/audit/actions";

type Alert = { id: string; title: string; at: string; eventId: string; acknowledged: { at: string; by: string; note: string } | null };
type Rule = { kind: string; label: string; description: string; enabled: boolean; threshold: number; windowMinutes: number; usesThreshold: boolean; usesWindow: boolean };

const when = (iso: string) => iso.replace("T", " ").slice(0, 16) + " UTC";

/** One alert: open ones carry the acknowledge form (a note is required). */
export function AlertItem({ alert }: { alert: Alert }) {
  const router = useRouter();
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = `note-${alert.id}`;
  async function acknowledge(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    const r = await acknowledgeAlertAction({ alertId: alert.id, note });
    setBusy(false);
    if (!r.ok) return setError(r.error.fields?.note?.[0] ?? r.error.message);
    router.refresh();
  }
  return (
    <li className="space-y-2 px-4 py-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-medium text-slate-900">{alert.title}</p>
        <p className="text-sm text-slate-600 tabular-nums">{when(alert.at)} · event #{alert.eventId}</p>
      </div>
      {alert.acknowledged ? (
        <p className="text-sm text-slate-700">
          Acknowledged by {alert.acknowledged.by} on {when(alert.acknowledged.at)}: “{alert.acknowledged.note}”
        </p>
      ) : (
        <form onSubmit={acknowledge} className="flex flex-wrap items-end gap-2">
          <div className="min-w-64 flex-1">
            <label htmlFor={field} className="block text-sm font-medium text-slate-700">Note</label>
            <input id={field} value={note} onChange={(e) => setNote(e.target.value)} className={inputClass} aria-invalid={error ? true : undefined} aria-describedby={error ? `${field}-error` : undefined} placeholder="What you checked or did" />
            {error && <p id={`${field}-error`} className="mt-1 text-sm text-red-700">{error}</p>}
          </div>
          <button type="submit" className={buttonClass.primary} disabled={busy}>Acknowledge</button>
        </form>
      )}
    </li>
  );
}

/** The tenant's thresholds; shown read-only to someone without settings.edit at the root. */
export function AlertRulesForm({ tenantId, rules, editable }: { tenantId: string; rules: Rule[]; editable: boolean }) {
  const router = useRouter();
  const [state, setState] = useState(rules);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const set = (i: number, patch: Partial<Rule>) => setState((s) => s.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  async function save(e: React.FormEvent) {
    e.preventDefault();
    const r = await saveAlertRulesAction({ tenantId, rules: state.map((x) => ({ kind: x.kind as never, enabled: x.enabled, threshold: x.threshold || 1, windowMinutes: x.windowMinutes || 1 })) });
    setMessage(r.ok ? { ok: true, text: "Alert rules saved." } : { ok: false, text: Object.values(r.error.fields ?? {})[0]?.[0] ?? r.error.message });
    if (r.ok) router.refresh();
  }
  return (
    <form onSubmit={save} className="space-y-3" aria-label="Alert rules">
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
        {state.map((r, i) => (
          <li key={r.kind} className="flex flex-wrap items-end gap-3 px-4 py-3 text-sm">
            <label className="flex min-w-64 flex-1 items-start gap-2">
              <input type="checkbox" className="mt-1" checked={r.enabled} disabled={!editable} onChange={(e) => set(i, { enabled: e.target.checked })} />
              <span>
                <span className="block font-medium text-slate-900">{r.label}</span>
                <span className="text-slate-600">{r.description}</span>
              </span>
            </label>
            {r.usesThreshold && (
              <div>
                <label htmlFor={`t-${r.kind}`} className="block text-xs font-medium text-slate-700">{r.kind === "large_export" ? "Rows" : "Events"}</label>
                <input id={`t-${r.kind}`} type="number" min={1} className={`${inputClass} w-24`} value={r.threshold} disabled={!editable} onChange={(e) => set(i, { threshold: Number(e.target.value) })} />
              </div>
            )}
            {r.usesWindow && (
              <div>
                <label htmlFor={`w-${r.kind}`} className="block text-xs font-medium text-slate-700">Minutes</label>
                <input id={`w-${r.kind}`} type="number" min={1} className={`${inputClass} w-24`} value={r.windowMinutes} disabled={!editable} onChange={(e) => set(i, { windowMinutes: Number(e.target.value) })} />
              </div>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <div className="flex items-center gap-3">
          <button type="submit" className={buttonClass.secondary}>Save rules</button>
          <p role="status" className={message?.ok === false ? "text-sm text-red-700" : "text-sm text-emerald-800"}>{message?.text}</p>
        </div>
      )}
    </form>
  );
}

/** How long the tenant keeps its audit events before they are archived; editable by owners only. */
export function RetentionForm({ tenantId, years, editable }: { tenantId: string; years: number; editable: boolean }) {
  const router = useRouter();
  const [value, setValue] = useState(String(years));
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function save(e: React.FormEvent) {
    e.preventDefault();
    const r = await setRetentionAction({ tenantId, years: Number(value) });
    setMessage(r.ok ? { ok: true, text: `Events are now kept for ${r.data.years} years.` } : { ok: false, text: r.error.fields?.years?.[0] ?? r.error.message });
    if (r.ok) router.refresh();
  }
  return (
    <form onSubmit={save} noValidate className="flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-white px-4 py-3" aria-label="Retention">
      <div>
        <label htmlFor="retention-years" className="block text-sm font-medium text-slate-700">Keep events for (years)</label>
        <input id="retention-years" type="number" min={1} max={100} className={`${inputClass} w-28`} value={value} disabled={!editable} onChange={(e) => setValue(e.target.value)} aria-invalid={message?.ok === false ? true : undefined} aria-describedby="retention-status" />
      </div>
      {editable && <button type="submit" className={buttonClass.secondary}>Save retention</button>}
      <p id="retention-status" role="status" className={message?.ok === false ? "text-sm text-red-700" : "text-sm text-emerald-800"}>{message?.text ?? (editable ? "" : "Only an owner can change this.")}</p>
    </form>
  );
}
