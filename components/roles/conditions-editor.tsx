"use client";

import { useState } from "react";
import { conditionsSchema, type Conditions } from "@/lib/authz/grants";
import { endDayOf, endOfDayIso, startDayOf, startOfDayIso } from "@/lib/access/dates";
import { inputClass } from "@/components/ui/classes";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const WEEKDAYS = [1, 2, 3, 4, 5];

/**
 * A grant's conditions (issue 11): an amount limit (refunds under $200), a weekday/time-of-day
 * window read in the time zone of the place where the role is given, and validity dates. Checked
 * with the policy module's own schema as you type; the server checks it again when the role is saved.
 */
export function ConditionsEditor({ id, label, conditions, onChange, onClose }: { id: string; label: string; conditions: Conditions | undefined; onChange: (c: Conditions | undefined) => void; onClose: () => void }) {
  const [amount, setAmount] = useState(conditions?.maxAmount === undefined ? "" : String(conditions.maxAmount));
  const [windowOn, setWindowOn] = useState(Boolean(conditions?.timeWindow));
  const [days, setDays] = useState<number[]>(conditions?.timeWindow?.days ?? WEEKDAYS);
  const [start, setStart] = useState(conditions?.timeWindow?.start ?? "08:00");
  const [end, setEnd] = useState(conditions?.timeWindow?.end ?? "18:00");
  const [from, setFrom] = useState(startDayOf(conditions?.validFrom));
  const [until, setUntil] = useState(endDayOf(conditions?.validUntil));
  const [problem, setProblem] = useState<string | null>(null);

  function apply(next: { amount?: string; windowOn?: boolean; days?: number[]; start?: string; end?: string; from?: string; until?: string }) {
    const v = { amount, windowOn, days, start, end, from, until, ...next };
    const draft: Conditions = {
      ...(v.amount.trim() !== "" ? { maxAmount: Number(v.amount) } : {}),
      ...(v.windowOn ? { timeWindow: { days: [...v.days].sort((a, b) => a - b), start: v.start, end: v.end } } : {}),
      ...(v.from ? { validFrom: startOfDayIso(v.from) ?? undefined } : {}),
      ...(v.until ? { validUntil: endOfDayIso(v.until) ?? undefined } : {}),
    };
    const parsed = conditionsSchema.safeParse(draft);
    if (!parsed.success) return setProblem(parsed.error.issues[0]?.message ?? "Check the limits.");
    if (v.from && v.until && v.until < v.from) return setProblem("The last day must be on or after the first day.");
    setProblem(null);
    onChange(Object.keys(parsed.data).length ? parsed.data : undefined);
  }

  return (
    <div id={id} role="group" aria-label={`Limits for ${label}`} className="w-full rounded-lg border border-amber-200 bg-amber-50/60 p-3 md:basis-full" data-testid="conditions-editor">
      <div className="flex items-start justify-between gap-2">
        <p className="text-sm font-medium text-slate-800">Limits for {label}</p>
        <button type="button" onClick={onClose} className="text-xs font-medium text-slate-700 underline">
          Done
        </button>
      </div>
      {problem && (
        <p role="alert" className="mt-1 text-sm text-red-700" data-testid="conditions-problem">
          {problem}
        </p>
      )}
      <div className="mt-2 grid gap-3 md:grid-cols-3">
        <div>
          <label htmlFor={`${id}-amount`} className="block text-xs font-medium text-slate-700">
            Only for amounts under ($)
          </label>
          <input id={`${id}-amount`} type="number" min={0} step="0.01" inputMode="decimal" value={amount} placeholder="no limit" onChange={(e) => (setAmount(e.target.value), apply({ amount: e.target.value }))} className={inputClass} data-testid="condition-amount" />
        </div>
        <div>
          <label htmlFor={`${id}-from`} className="block text-xs font-medium text-slate-700">
            Valid from (first day)
          </label>
          <input id={`${id}-from`} type="date" value={from} onChange={(e) => (setFrom(e.target.value), apply({ from: e.target.value }))} className={inputClass} data-testid="condition-from" />
        </div>
        <div>
          <label htmlFor={`${id}-until`} className="block text-xs font-medium text-slate-700">
            Valid until (last day)
          </label>
          <input id={`${id}-until`} type="date" value={until} onChange={(e) => (setUntil(e.target.value), apply({ until: e.target.value }))} className={inputClass} data-testid="condition-until" />
        </div>
      </div>
      <fieldset className="mt-3">
        <legend className="text-xs font-medium text-slate-700">
          <label className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={windowOn} onChange={(e) => (setWindowOn(e.target.checked), apply({ windowOn: e.target.checked }))} data-testid="condition-window" />
            Only on these days and hours (the place&apos;s local time)
          </label>
        </legend>
        {windowOn && (
          <div className="mt-2 flex flex-wrap items-end gap-3">
            <div className="flex flex-wrap gap-2">
              {DAYS.map((d, i) => (
                <label key={d} className="inline-flex items-center gap-1 text-sm">
                  <input
                    type="checkbox"
                    checked={days.includes(i)}
                    onChange={(e) => {
                      const next = e.target.checked ? [...days, i] : days.filter((x) => x !== i);
                      setDays(next);
                      apply({ days: next });
                    }}
                    data-testid={`condition-day-${i}`}
                  />
                  {d}
                </label>
              ))}
            </div>
            <div>
              <label htmlFor={`${id}-start`} className="block text-xs font-medium text-slate-700">
                From
              </label>
              <input id={`${id}-start`} type="time" value={start} onChange={(e) => (setStart(e.target.value), apply({ start: e.target.value }))} className={inputClass} data-testid="condition-start" />
            </div>
            <div>
              <label htmlFor={`${id}-end`} className="block text-xs font-medium text-slate-700">
                Until
              </label>
              <input id={`${id}-end`} type="time" value={end} onChange={(e) => (setEnd(e.target.value), apply({ end: e.target.value }))} className={inputClass} data-testid="condition-end" />
            </div>
          </div>
        )}
      </fieldset>
    </div>
  );
}
