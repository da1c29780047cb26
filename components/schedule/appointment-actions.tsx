"use client";

import { useState } from "react";
import { useServerAction } from "@/components/client/use-server-action";
import { buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { changeStatusAction, rescheduleAction } from "@/lib/schedule/actions";

type Appt = { id: string; date: string; start: string; status: string; minutes: number; label: string; can: { checkIn: boolean; edit: boolean } };

const small = "rounded border px-2 py-1 text-xs font-medium disabled:opacity-60";
const plain = `${small} border-slate-300 bg-white text-slate-700 hover:bg-slate-50`;

/**
 * An appointment's buttons, per the caller's rights on it (computed by the server with decide()):
 * check in (appointments.check_in), and complete / no-show / cancel / reschedule (appointments.edit).
 * A refused change (409: already changed, not free) shows the server's reason.
 */
export function AppointmentActions({ appt }: { appt: Appt }) {
  const status = useServerAction(changeStatusAction, { refresh: true });
  const move = useServerAction(rescheduleAction, { refresh: true });
  const [moving, setMoving] = useState(false);
  const [date, setDate] = useState(appt.date);
  const [time, setTime] = useState(appt.start);
  const pending = status.pending || move.pending;
  const open = appt.status === "scheduled" || appt.status === "checked_in";
  if (!open || (!appt.can.checkIn && !appt.can.edit)) return null;
  const change = (c: "check_in" | "complete" | "cancel" | "no_show") => status.run({ appointmentId: appt.id, change: c });
  const id = `move-${appt.id}`;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const result = await move.run({ appointmentId: appt.id, date, time });
    if (result.ok) setMoving(false);
  }

  return (
    <div className="mt-1 space-y-1" data-testid="appointment-actions">
      <div className="flex flex-wrap gap-1" role="group" aria-label={`Actions for ${appt.label}`}>
        {appt.status === "scheduled" && appt.can.checkIn && (
          <button type="button" className={`${small} border-brand-600 bg-brand-600 text-white hover:bg-brand-700`} disabled={pending} onClick={() => change("check_in")}>
            Check in
          </button>
        )}
        {appt.can.edit && (
          <>
            <button type="button" className={plain} disabled={pending} onClick={() => change("complete")}>
              Complete
            </button>
            {appt.status === "scheduled" && (
              <>
                <button type="button" className={plain} disabled={pending} onClick={() => change("no_show")}>
                  No-show
                </button>
                <button type="button" className={plain} disabled={pending} onClick={() => setMoving(!moving)} aria-expanded={moving} aria-controls={id}>
                  Reschedule
                </button>
              </>
            )}
            <button type="button" className={`${small} border-red-300 bg-white text-red-700 hover:bg-red-50`} disabled={pending} onClick={() => change("cancel")}>
              Cancel
            </button>
          </>
        )}
      </div>
      {moving && (
        <form id={id} onSubmit={submit} noValidate className="flex flex-wrap items-end gap-2" aria-label={`Reschedule ${appt.label}`}>
          <label className="text-xs text-slate-700">
            New day
            <input type="date" className={`${inputClass} py-1`} value={date} onChange={(e) => setDate(e.target.value)} aria-invalid={fieldErrors(move.fields, "date") ? true : undefined} />
          </label>
          <label className="text-xs text-slate-700">
            New time
            <input type="time" step={900} className={`${inputClass} py-1`} value={time} onChange={(e) => setTime(e.target.value)} aria-invalid={fieldErrors(move.fields, "time") ? true : undefined} />
          </label>
          <button type="submit" className={plain} disabled={pending}>
            Move
          </button>
        </form>
      )}
      {(status.error || move.error) && (
        <p role="alert" className="text-xs text-red-700">
          {[...(fieldErrors(move.fields, "date") ?? []), ...(fieldErrors(move.fields, "time") ?? [])].join(" ") || (status.error ?? move.error)!.message}
        </p>
      )}
    </div>
  );
}
