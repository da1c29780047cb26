"use client";

import { useState } from "react";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { WEEKDAY_NAMES, WEEK_ORDER, dayLabel, timeLabel } from "@/lib/care/time";
import { addDayOffAction, removeDayOffAction, saveHoursAction } from "@/lib/schedule/actions";

type Entry = { key: number; weekday: number; kind: "work" | "break"; start: string; end: string };

/**
 * A provider's week at a location: working hours and breaks per weekday, saved as a whole (the
 * server checks every entry with zod and answers per field: "entries.<i>.end"), and their days off.
 */
export function HoursEditor({ nodeId, providerId, providerName, initial, daysOff, today }: { nodeId: string; providerId: string; providerName: string; initial: Omit<Entry, "key">[]; daysOff: { day: string; reason: string }[]; today: string }) {
  const [entries, setEntries] = useState<Entry[]>(() => initial.map((e, i) => ({ ...e, key: i })));
  const [nextKey, setNextKey] = useState(initial.length);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useServerAction(saveHoursAction, { refresh: true });
  const add = (weekday: number, kind: Entry["kind"]) => {
    setEntries([...entries, { key: nextKey, weekday, kind, start: kind === "work" ? "09:00" : "12:00", end: kind === "work" ? "17:00" : "13:00" }]);
    setNextKey(nextKey + 1);
    setSaved(null);
  };
  const update = (key: number, field: "start" | "end", value: string) => {
    setEntries(entries.map((e) => (e.key === key ? { ...e, [field]: value } : e)));
    setSaved(null);
  };
  const errorsOf = (key: number, field: "start" | "end") => fieldErrors(save.fields, `entries.${entries.findIndex((e) => e.key === key)}.${field}`);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(null);
    const result = await save.run({ nodeId, providerId, entries: entries.map(({ weekday, kind, start, end }) => ({ weekday, kind, start, end })) });
    if (result.ok) setSaved(`Saved ${providerName}'s week: ${result.data.saved} ${result.data.saved === 1 ? "entry" : "entries"}.`);
  }

  return (
    <div className="space-y-6">
      <form onSubmit={submit} noValidate aria-label={`Weekly hours of ${providerName}`} className="space-y-4" data-testid="hours-form">
        <FormError message={save.error ? (save.fields ? "Some entries need attention: see the messages below." : save.message) : null} />
        <Notice message={saved} />
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
          {WEEK_ORDER.map((weekday) => {
            const list = entries.filter((e) => e.weekday === weekday).sort((a, b) => (a.kind === b.kind ? a.start.localeCompare(b.start) : a.kind === "work" ? -1 : 1));
            return (
              <li key={weekday} className="p-3" data-testid={`hours-${WEEKDAY_NAMES[weekday]}`}>
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h4 className="text-sm font-semibold text-slate-800">{WEEKDAY_NAMES[weekday]}</h4>
                  <div className="flex gap-2">
                    <button type="button" className={buttonClass.secondary} onClick={() => add(weekday, "work")} aria-label={`Add hours on ${WEEKDAY_NAMES[weekday]}`}>
                      + Hours
                    </button>
                    <button type="button" className={buttonClass.secondary} onClick={() => add(weekday, "break")} aria-label={`Add a break on ${WEEKDAY_NAMES[weekday]}`}>
                      + Break
                    </button>
                  </div>
                </div>
                {list.length === 0 ? (
                  <p className="mt-1 text-sm text-slate-500">Not working</p>
                ) : (
                  <ul className="mt-2 space-y-2">
                    {list.map((e) => {
                      const what = `${e.kind === "work" ? "Hours" : "Break"}, ${WEEKDAY_NAMES[weekday]}`;
                      return (
                        <li key={e.key} className="flex flex-wrap items-start gap-3">
                          <span className={`mt-7 w-14 text-xs font-medium ${e.kind === "work" ? "text-brand-700" : "text-amber-800"}`}>{e.kind === "work" ? "Hours" : "Break"}</span>
                          <Field id={`h-${e.key}-start`} label={`${what}: from`} error={errorsOf(e.key, "start")}>
                            <input id={`h-${e.key}-start`} type="time" step={900} className={inputClass} value={e.start} onChange={(ev) => update(e.key, "start", ev.target.value)} aria-invalid={errorsOf(e.key, "start") ? true : undefined} aria-describedby={errorsOf(e.key, "start") ? `h-${e.key}-start-error` : undefined} />
                          </Field>
                          <Field id={`h-${e.key}-end`} label={`${what}: to`} error={errorsOf(e.key, "end")}>
                            <input id={`h-${e.key}-end`} type="time" step={900} className={inputClass} value={e.end} onChange={(ev) => update(e.key, "end", ev.target.value)} aria-invalid={errorsOf(e.key, "end") ? true : undefined} aria-describedby={errorsOf(e.key, "end") ? `h-${e.key}-end-error` : undefined} />
                          </Field>
                          <button type="button" className={`${buttonClass.secondary} mt-6`} onClick={() => setEntries(entries.filter((x) => x.key !== e.key))} aria-label={`Remove ${what} ${timeLabel(e.start)}`}>
                            Remove
                          </button>
                        </li>
                      );
                    })}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
        <div className="flex justify-end">
          <button type="submit" className={buttonClass.primary} disabled={save.pending}>
            {save.pending ? "Saving…" : "Save weekly hours"}
          </button>
        </div>
      </form>
      <DaysOff nodeId={nodeId} providerId={providerId} daysOff={daysOff} today={today} />
    </div>
  );
}

function DaysOff({ nodeId, providerId, daysOff, today }: { nodeId: string; providerId: string; daysOff: { day: string; reason: string }[]; today: string }) {
  const [day, setDay] = useState(today);
  const [reason, setReason] = useState("");
  const addOff = useServerAction(addDayOffAction, { refresh: true });
  const removeOff = useServerAction(removeDayOffAction, { refresh: true });
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const result = await addOff.run({ nodeId, providerId, day, reason: reason || undefined });
    if (result.ok) setReason("");
  }
  return (
    <section aria-labelledby="days-off-heading" className="space-y-3">
      <h4 id="days-off-heading" className="text-sm font-semibold text-slate-800">
        Days off
      </h4>
      {daysOff.length === 0 ? (
        <p className="text-sm text-slate-500">No upcoming days off.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200" data-testid="days-off">
          {daysOff.map((d) => (
            <li key={d.day} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
              <span>
                {dayLabel(d.day, "long")}
                {d.reason && <span className="text-slate-500"> · {d.reason}</span>}
              </span>
              <button type="button" className={buttonClass.secondary} disabled={removeOff.pending} onClick={() => removeOff.run({ nodeId, providerId, day: d.day })} aria-label={`Remove the day off on ${dayLabel(d.day, "long")}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} noValidate aria-label="Add a day off" className="flex flex-wrap items-end gap-3">
        <FormError message={addOff.error && !addOff.fields ? addOff.message : removeOff.message} />
        <Field id="off-day" label="Day off" error={fieldErrors(addOff.fields, "day")}>
          <input id="off-day" type="date" className={inputClass} value={day} onChange={(e) => setDay(e.target.value)} aria-invalid={fieldErrors(addOff.fields, "day") ? true : undefined} />
        </Field>
        <Field id="off-reason" label="Reason (optional)" error={fieldErrors(addOff.fields, "reason")}>
          <input id="off-reason" className={inputClass} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <button type="submit" className={buttonClass.secondary} disabled={addOff.pending}>
          Add day off
        </button>
      </form>
    </section>
  );
}
