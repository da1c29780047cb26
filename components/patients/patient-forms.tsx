"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { createNoteAction, createPatientAction, deletePatientAction, editNoteAction, sharePatientAction, unsharePatientAction, updatePatientAction } from "@/lib/patients/actions";

type FieldDef = { name: string; label: string; type?: string; value?: string | null };

/** Text inputs for the given patient fields; only fields the caller may change are passed in. */
function Inputs({ prefix, fields, values, set, errors }: { prefix: string; fields: FieldDef[]; values: Record<string, string>; set: (name: string, v: string) => void; errors?: Record<string, string[]> }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {fields.map((f) => {
        const id = `${prefix}-${f.name}`;
        const errs = fieldErrors(errors, f.name);
        return (
          <Field key={f.name} id={id} label={f.label} error={errs}>
            <input
              id={id}
              type={f.type ?? "text"}
              className={inputClass}
              value={values[f.name] ?? ""}
              onChange={(e) => set(f.name, e.target.value)}
              aria-invalid={errs ? true : undefined}
              aria-describedby={errs ? `${id}-error` : undefined}
            />
          </Field>
        );
      })}
    </div>
  );
}

const initial = (fields: FieldDef[]) => Object.fromEntries(fields.map((f) => [f.name, f.value ?? ""]));

export function NewPatientForm({ locations, fields }: { locations: { id: string; name: string }[]; fields: FieldDef[] }) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>({ ...initial(fields), nodeId: locations[0]?.id ?? "" });
  const create = useServerAction(createPatientAction);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const { nodeId, ...rest } = values;
    const result = await create.run({ nodeId, ...(rest as { firstName: string; lastName: string }) });
    if (result.ok) router.push(`/o/${nodeId}/patients/${result.data.id}`);
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Add patient" className="space-y-4">
      <FormError message={create.error ? (create.fields ? "Some fields need attention." : create.message) : null} />
      <Field id="new-nodeId" label="Location" error={fieldErrors(create.fields, "nodeId")}>
        <select id="new-nodeId" className={inputClass} value={values.nodeId} onChange={(e) => setValues({ ...values, nodeId: e.target.value })}>
          {locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </Field>
      <Inputs prefix="new" fields={fields} values={values} set={(n, v) => setValues({ ...values, [n]: v })} errors={create.fields} />
      <div className="flex justify-end">
        <button type="submit" className={buttonClass.primary} disabled={create.pending}>
          {create.pending ? "Adding…" : "Add patient"}
        </button>
      </div>
    </form>
  );
}

export function EditPatientForm({ patientId, fields }: { patientId: string; fields: FieldDef[] }) {
  const [values, setValues] = useState<Record<string, string>>(initial(fields));
  const [saved, setSaved] = useState(false);
  const update = useServerAction(updatePatientAction, { refresh: true });
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    const changed = Object.fromEntries(fields.filter((f) => (f.value ?? "") !== values[f.name]).map((f) => [f.name, values[f.name]]));
    const result = await update.run({ patientId, ...changed });
    if (result.ok) setSaved(true);
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Edit patient" className="space-y-4">
      <FormError message={update.error ? (update.fields && !update.fields._ ? "Some fields need attention." : (update.fields?._?.[0] ?? update.message)) : null} />
      {saved && <Notice message="Saved." />}
      <Inputs prefix="edit" fields={fields} values={values} set={(n, v) => setValues({ ...values, [n]: v })} errors={update.fields} />
      <div className="flex justify-end">
        <button type="submit" className={buttonClass.primary} disabled={update.pending}>
          {update.pending ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}

export function ShareForm({ patientId, candidates, shared }: { patientId: string; candidates: { id: string; name: string }[]; shared: { id: string; name: string }[] }) {
  const [userId, setUserId] = useState(candidates[0]?.id ?? "");
  const share = useServerAction(sharePatientAction, { refresh: true });
  const unshare = useServerAction(unsharePatientAction, { refresh: true });
  return (
    <div className="space-y-3">
      <FormError message={share.error ? (fieldErrors(share.fields, "userId")?.[0] ?? share.message) : unshare.message} />
      {shared.length > 0 && (
        <ul className="space-y-1 text-sm">
          {shared.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-2">
              <span>{s.name}</span>
              <button type="button" className={buttonClass.secondary} disabled={unshare.pending} onClick={() => unshare.run({ patientId, userId: s.id })}>
                Stop sharing<span className="sr-only"> with {s.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {candidates.length > 0 && (
        <form
          className="flex flex-wrap items-end gap-2"
          aria-label="Share with a provider"
          onSubmit={(e) => {
            e.preventDefault();
            void share.run({ patientId, userId });
          }}
        >
          <Field id="share-user" label="Share with">
            <select id="share-user" className={inputClass} value={userId} onChange={(e) => setUserId(e.target.value)}>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className={buttonClass.primary} disabled={share.pending}>
            Share
          </button>
        </form>
      )}
    </div>
  );
}

export function DeletePatientButton({ patientId, listHref }: { patientId: string; listHref: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const del = useServerAction(deletePatientAction);
  if (!confirming)
    return (
      <button type="button" className={buttonClass.dangerOutline} onClick={() => setConfirming(true)}>
        Delete patient
      </button>
    );
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Confirm deletion">
      <FormError message={del.message} />
      <span className="text-sm text-slate-700">Delete this patient and their notes and appointments?</span>
      <button
        type="button"
        className={buttonClass.danger}
        disabled={del.pending}
        onClick={async () => {
          const r = await del.run({ patientId });
          if (r.ok) router.push(listHref);
        }}
      >
        Yes, delete
      </button>
      <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  );
}

export function NoteForm({ patientId }: { patientId: string }) {
  const [body, setBody] = useState("");
  const create = useServerAction(createNoteAction, { refresh: true });
  const errs = fieldErrors(create.fields, "body");
  return (
    <form
      aria-label="Write a clinical note"
      noValidate
      className="space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await create.run({ patientId, body });
        if (r.ok) setBody("");
      }}
    >
      <FormError message={create.error && !errs ? create.message : null} />
      <Field id="note-body" label="New note" error={errs}>
        <textarea id="note-body" rows={3} className={inputClass} value={body} onChange={(e) => setBody(e.target.value)} aria-invalid={errs ? true : undefined} aria-describedby={errs ? "note-body-error" : undefined} />
      </Field>
      <div className="flex justify-end">
        <button type="submit" className={buttonClass.primary} disabled={create.pending}>
          Add note
        </button>
      </div>
    </form>
  );
}

export function EditNote({ noteId, body: initialBody }: { noteId: string; body: string }) {
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(initialBody);
  const edit = useServerAction(editNoteAction, { refresh: true });
  if (!editing)
    return (
      <button type="button" className="text-sm text-brand-700 underline" onClick={() => setEditing(true)}>
        Edit note
      </button>
    );
  const errs = fieldErrors(edit.fields, "body");
  return (
    <form
      aria-label="Edit note"
      className="mt-2 space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await edit.run({ noteId, body });
        if (r.ok) setEditing(false);
      }}
    >
      <FormError message={edit.error && !errs ? edit.message : null} />
      <Field id={`note-${noteId}`} label="Note" error={errs}>
        <textarea id={`note-${noteId}`} rows={3} className={inputClass} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass.secondary} onClick={() => setEditing(false)}>
          Cancel
        </button>
        <button type="submit" className={buttonClass.primary} disabled={edit.pending}>
          Save note
        </button>
      </div>
    </form>
  );
}
