"use client";

import { useId, useState } from "react";
import { setContractorAction } from "@/lib/access/actions";
import { datesProblem, endDayOf, endOfDayIso } from "@/lib/access/dates";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";

/** A person's page (Settings > Users): contractor until a day; every role in the organisation ends then (issue 11). */
export function ContractorForm({ tenantId, userId, name, endsAt }: { tenantId: string; userId: string; name: string; endsAt: string | null }) {
  const uid = useId();
  const [day, setDay] = useState(endDayOf(endsAt));
  const [local, setLocal] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const save = useServerAction(setContractorAction, { refresh: true, onSuccess: (d) => setDone(d.contractor ? `Saved: every role of ${name} here ends after ${day}.` : "No longer a contractor (their roles keep their current end dates).") });
  return (
    <section aria-labelledby={`${uid}-t`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="contractor">
      <h2 id={`${uid}-t`} className="text-lg font-semibold">
        Contractor
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {endsAt ? `${name} is a contractor: all their roles in this organisation end after ${endDayOf(endsAt)}.` : "Mark a contractor with the contract's last day: all their roles in this organisation end then, including roles given later."}
      </p>
      <form
        noValidate
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(null);
          if (!day) return setLocal("Choose the contract's last day.");
          const problem = datesProblem("", day);
          if (problem) return setLocal(problem);
          setLocal(null);
          void save.run({ tenantId, userId, endsAt: endOfDayIso(day) });
        }}
      >
        <div className="w-full">
          <FormError message={local ?? save.message} />
          <Notice message={done} />
        </div>
        <Field id={`${uid}-day`} label="Contract ends (last day)" error={fieldErrors(save.fields, "endsAt")}>
          <input id={`${uid}-day`} type="date" className={inputClass} value={day} onChange={(e) => setDay(e.target.value)} data-testid="contractor-until" />
        </Field>
        <button type="submit" className={buttonClass.primary} disabled={save.pending} data-testid="contractor-save">
          {endsAt ? "Change end" : "Mark as contractor"}
        </button>
        {endsAt && (
          <button type="button" className={buttonClass.secondary} disabled={save.pending} onClick={() => void save.run({ tenantId, userId, endsAt: null })} data-testid="contractor-clear">
            Not a contractor
          </button>
        )}
      </form>
    </section>
  );
}
