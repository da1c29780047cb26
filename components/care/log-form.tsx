"use client";

import { useState } from "react";
import { logCareAction } from "@/lib/care/actions";
import { Field, FormError, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { useServerAction } from "@/components/client/use-server-action";

const KINDS = [
  ["meal", "Meal"],
  ["medication", "Medication"],
  ["visit", "Visit"],
  ["note", "Note"],
] as const;

/** "Log Care": what happened, when (in the profile's time zone), and optionally marked sensitive. */
export function LogCareForm({ nodeId, today, now, canMarkSensitive }: { nodeId: string; today: string; now: string; canMarkSensitive: boolean }) {
  const empty = { kind: "", date: today, time: now, note: "", sensitive: false };
  const [values, setValues] = useState(empty);
  const [saved, setSaved] = useState(false);
  const log = useServerAction(logCareAction, { refresh: true });
  const { error, pending } = log;
  const errs = (name: string) => fieldErrors(error?.fields, name);
  const aria = (name: string) => ({ "aria-invalid": errs(name) ? true : undefined, "aria-describedby": errs(name) ? `log-${name}-error` : undefined });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    // The server validates the kind (and everything else); an unchosen kind comes back as a field error.
    const result = await log.run({ nodeId, ...values, kind: values.kind as "meal" });
    if (!result.ok) return;
    setValues({ ...empty, date: values.date, time: values.time });
    setSaved(true);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Log care">
      <FormError message={error ? (error.fields ? "Some fields need attention." : error.message) : null} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="log-kind" label="Kind of care" error={errs("kind")}>
          <select id="log-kind" className={inputClass} value={values.kind} onChange={(e) => setValues({ ...values, kind: e.target.value })} {...aria("kind")}>
            <option value="">Choose…</option>
            {KINDS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="log-date" label="Day" error={errs("date")}>
          <input id="log-date" type="date" className={inputClass} value={values.date} onChange={(e) => setValues({ ...values, date: e.target.value })} {...aria("date")} />
        </Field>
        <Field id="log-time" label="Time" error={errs("time")}>
          <input id="log-time" type="time" className={inputClass} value={values.time} onChange={(e) => setValues({ ...values, time: e.target.value })} {...aria("time")} />
        </Field>
      </div>
      <Field id="log-note" label="What happened" error={errs("note")}>
        <textarea id="log-note" rows={3} className={inputClass} value={values.note} maxLength={2000} onChange={(e) => setValues({ ...values, note: e.target.value })} {...aria("note")} />
      </Field>
      {canMarkSensitive && (
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" className="mt-0.5 h-4 w-4 accent-brand-600" checked={values.sensitive} onChange={(e) => setValues({ ...values, sensitive: e.target.checked })} />
          <span>
            Sensitive
            <span className="block text-xs text-slate-500">Only people allowed to see sensitive care information will see this entry.</span>
          </span>
        </label>
      )}
      <div className="flex flex-wrap items-center justify-end gap-3">
        {saved && (
          <p role="status" className="text-sm text-brand-700">
            Logged. It is at the top of the list below.
          </p>
        )}
        <button type="submit" className={buttonClass.primary} disabled={pending}>
          {pending ? "Saving…" : "Log care"}
        </button>
      </div>
    </form>
  );
}
