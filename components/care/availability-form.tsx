"use client";

import { useState } from "react";
import { saveAvailabilityAction } from "@/lib/care/actions";
import { FormError, buttonClass, inputClass } from "@/components/ui/form";
import { WEEKDAY_NAMES, WEEK_ORDER } from "@/lib/care/time";
import { useServerAction } from "@/components/client/use-server-action";

type Slot = { key: number; weekday: number; start: string; end: string };
const MAX_PER_DAY = 4;

/** A member's weekly availability: any number of time slots per day (up to four), saved as a whole. */
export function AvailabilityForm({ nodeId, initial }: { nodeId: string; initial: { weekday: number; start: string; end: string }[] }) {
  const [slots, setSlots] = useState<Slot[]>(() => initial.map((s, i) => ({ ...s, key: i })));
  const [nextKey, setNextKey] = useState(initial.length);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useServerAction(saveAvailabilityAction, { refresh: true });
  const { error, pending } = save;

  const add = (weekday: number) => {
    setSlots([...slots, { key: nextKey, weekday, start: "09:00", end: "17:00" }]);
    setNextKey(nextKey + 1);
    setSaved(null);
  };
  const update = (key: number, field: "start" | "end", value: string) => {
    setSlots(slots.map((s) => (s.key === key ? { ...s, [field]: value } : s)));
    setSaved(null);
  };
  const remove = (key: number) => {
    setSlots(slots.filter((s) => s.key !== key));
    setSaved(null);
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(null);
    const result = await save.run({ nodeId, slots: slots.map(({ weekday, start, end }) => ({ weekday, start, end })) });
    if (!result.ok) return;
    setSaved(result.data.slots === 0 ? "Saved: you are not available on any day." : `Saved: ${result.data.slots} time ${result.data.slots === 1 ? "slot" : "slots"} a week.`);
  }

  /** Messages for one slot, from "slots.<index>.start|end" (index into the submitted list). */
  const slotErrors = (key: number) => {
    const i = slots.findIndex((s) => s.key === key);
    return Object.entries(error?.fields ?? {})
      .filter(([k]) => k.startsWith(`slots.${i}.`))
      .flatMap(([, v]) => v);
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="My weekly availability">
      <FormError message={error ? (error.fields ? "Some times need attention: see the days marked below." : error.message) : null} />
      <ul className="divide-y divide-slate-100">
        {WEEK_ORDER.map((day) => {
          const ofDay = slots.filter((s) => s.weekday === day);
          const name = WEEKDAY_NAMES[day];
          return (
            <li key={day} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start" data-testid={`availability-${name}`}>
              <p className="w-28 shrink-0 pt-2 text-sm font-medium text-slate-800">{name}</p>
              <div className="min-w-0 flex-1 space-y-2">
                {ofDay.length === 0 && <p className="pt-2 text-sm text-slate-500">Not available</p>}
                {ofDay.map((s, n) => {
                  const errs = slotErrors(s.key);
                  const id = `slot-${s.key}`;
                  return (
                    <div key={s.key}>
                      <div className="flex flex-wrap items-end gap-2">
                        <label className="text-sm text-slate-700">
                          <span className="sr-only">
                            {name} slot {n + 1}{" "}
                          </span>
                          From
                          <input
                            type="time"
                            className={`${inputClass} w-36`}
                            value={s.start}
                            onChange={(e) => update(s.key, "start", e.target.value)}
                            aria-invalid={errs.length ? true : undefined}
                            aria-describedby={errs.length ? `${id}-error` : undefined}
                          />
                        </label>
                        <label className="text-sm text-slate-700">
                          <span className="sr-only">
                            {name} slot {n + 1}{" "}
                          </span>
                          To
                          <input
                            type="time"
                            className={`${inputClass} w-36`}
                            value={s.end}
                            onChange={(e) => update(s.key, "end", e.target.value)}
                            aria-invalid={errs.length ? true : undefined}
                            aria-describedby={errs.length ? `${id}-error` : undefined}
                          />
                        </label>
                        <button type="button" className="mb-1 rounded px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50" onClick={() => remove(s.key)} aria-label={`Remove ${name} slot ${n + 1}`}>
                          Remove
                        </button>
                      </div>
                      {errs.length > 0 && (
                        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
                          {[...new Set(errs)].join(" ")}
                        </p>
                      )}
                    </div>
                  );
                })}
                {ofDay.length < MAX_PER_DAY && (
                  <button type="button" className="rounded px-2 py-1 text-sm font-medium text-brand-700 hover:bg-brand-50" onClick={() => add(day)} aria-label={`Add time on ${name}`}>
                    + Add time
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <div className="flex flex-wrap items-center justify-end gap-3">
        {saved && (
          <p role="status" className="text-sm text-brand-700">
            {saved}
          </p>
        )}
        <button type="submit" className={buttonClass.primary} disabled={pending}>
          {pending ? "Saving…" : "Save availability"}
        </button>
      </div>
    </form>
  );
}
