"use client";

import { useState } from "react";
import { createShiftAction, deleteShiftAction, updateShiftAction } from "@/lib/care/actions";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { useServerAction } from "@/components/client/use-server-action";

export interface TeamOption {
  id: string;
  name: string;
  role: string;
}
export interface ShiftValues {
  id?: string;
  title: string;
  date: string;
  start: string;
  end: string;
  assigneeId: string;
  notes: string;
}

function ShiftForm({ nodeId, team, initial, onDone }: { nodeId: string; team: TeamOption[]; initial: ShiftValues; onDone: () => void }) {
  const [values, setValues] = useState(initial);
  const create = useServerAction(createShiftAction, { refresh: true });
  const update = useServerAction(updateShiftAction, { refresh: true });
  const { error, pending } = values.id ? update : create;
  const set = (k: keyof ShiftValues) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setValues({ ...values, [k]: e.target.value });
  const errs = (name: string) => fieldErrors(error?.fields, name);
  const aria = (name: string) => ({ "aria-invalid": errs(name) ? true : undefined, "aria-describedby": errs(name) ? `shift-${name}-error` : undefined });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const input = { nodeId, title: values.title, date: values.date, start: values.start, end: values.end, assigneeId: values.assigneeId, notes: values.notes };
    const result = values.id ? await update.run({ ...input, shiftId: values.id }) : await create.run(input);
    if (result.ok) onDone();
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError message={error && !error.fields ? error.message : error?.fields ? "Some fields need attention." : null} />
      <Field id="shift-title" label="Title" error={errs("title")}>
        <input id="shift-title" className={inputClass} value={values.title} onChange={set("title")} maxLength={120} {...aria("title")} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="shift-date" label="Day" error={errs("date")}>
          <input id="shift-date" type="date" className={inputClass} value={values.date} onChange={set("date")} {...aria("date")} />
        </Field>
        <Field id="shift-start" label="Starts" error={errs("start")}>
          <input id="shift-start" type="time" className={inputClass} value={values.start} onChange={set("start")} {...aria("start")} />
        </Field>
        <Field id="shift-end" label="Ends" error={errs("end")}>
          <input id="shift-end" type="time" className={inputClass} value={values.end} onChange={set("end")} {...aria("end")} />
        </Field>
      </div>
      <Field id="shift-assigneeId" label="Assigned to" error={errs("assigneeId")} hint="Leave it open for someone on the team to pick up.">
        <select id="shift-assigneeId" className={inputClass} value={values.assigneeId} onChange={set("assigneeId")} {...aria("assigneeId")}>
          <option value="">Open shift (nobody yet)</option>
          {team.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} ({m.role})
            </option>
          ))}
        </select>
      </Field>
      <Field id="shift-notes" label="Notes (optional)" error={errs("notes")}>
        <textarea id="shift-notes" rows={3} className={inputClass} value={values.notes} onChange={set("notes")} maxLength={1000} {...aria("notes")} />
      </Field>
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass.secondary} onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className={buttonClass.primary} disabled={pending}>
          {pending ? "Saving…" : values.id ? "Save shift" : "Add shift"}
        </button>
      </div>
    </form>
  );
}

export function AddShiftButton({ nodeId, team, date }: { nodeId: string; team: TeamOption[]; date: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={buttonClass.primary} onClick={() => setOpen(true)}>
        Add shift
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Add a shift" wide>
        <ShiftForm nodeId={nodeId} team={team} initial={{ title: "", date, start: "09:00", end: "13:00", assigneeId: "", notes: "" }} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

export function ShiftActions({ nodeId, team, shift, canEdit, canDelete }: { nodeId: string; team: TeamOption[]; shift: ShiftValues & { id: string }; canEdit: boolean; canDelete: boolean }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const del = useServerAction(deleteShiftAction, { refresh: true, onSuccess: () => setConfirming(false) });
  const { message: error, pending } = del;
  const remove = () => void del.run({ nodeId, shiftId: shift.id });
  return (
    <div className="flex shrink-0 gap-2">
      {canEdit && (
        <button type="button" className="rounded px-2 py-1 text-sm font-medium text-brand-700 hover:bg-brand-50" onClick={() => setEditing(true)} aria-label={`Edit ${shift.title}`}>
          Edit
        </button>
      )}
      {canDelete && (
        <button type="button" className="rounded px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50" onClick={() => setConfirming(true)} aria-label={`Delete ${shift.title}`}>
          Delete
        </button>
      )}
      <Dialog open={editing} onClose={() => setEditing(false)} title="Edit shift" wide>
        <ShiftForm nodeId={nodeId} team={team} initial={shift} onDone={() => setEditing(false)} />
      </Dialog>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title="Delete this shift?">
        <p className="text-sm text-slate-700">
          “{shift.title}” on {shift.date}, {shift.start}–{shift.end} will be removed from the schedule. This is recorded in the audit log.
        </p>
        <div className="mt-4 space-y-3">
          <FormError message={error} />
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(false)}>
              Keep it
            </button>
            <button type="button" className={buttonClass.danger} onClick={remove} disabled={pending}>
              {pending ? "Deleting…" : "Delete shift"}
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
