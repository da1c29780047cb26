"use client";

/**
 * The one form kit: labelled fields with their hints and errors (wired with aria-describedby and
 * aria-invalid), the form-wide error (role=alert) and notice (role=status), and the input and button
 * styles. Settings screens use the compact sizes; the sign-in and account pages the large ones.
 */
// The class names live in a plain module so server components get them as strings, not client references.
import { inputClassLarge } from "./classes";
export { buttonClass, inputClass, inputClassLarge } from "./classes";

/** The ids a control names in aria-describedby: its hint and its errors, when shown. */
export function describedBy(id: string, { hint, errors }: { hint?: boolean; errors?: string[] }): string | undefined {
  return [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

function Errors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <div id={`${id}-error`} className="mt-1 space-y-0.5 text-sm text-red-700">
      {errors.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

/** A label, the control (children, whose id is `id`), a hint below it and the field's errors (`${id}-error`). */
export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string[]; hint?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error?.length && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      <Errors id={id} errors={error} />
    </div>
  );
}

/** A labelled text input (large size) with its hint above it and its errors, all described to assistive tech. */
export function TextField(props: {
  id: string;
  label: string;
  type?: string;
  errors?: string[];
  hint?: string;
  autoComplete?: string;
  defaultValue?: string | number;
  inputMode?: "numeric" | "text" | "email";
  required?: boolean;
  className?: string;
  min?: number;
  max?: number;
}) {
  const { id, label, errors, hint } = props;
  return (
    <div className={props.className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="mt-0.5 text-xs text-slate-600">
          {hint}
        </p>
      )}
      <input
        id={id}
        name={id}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        defaultValue={props.defaultValue}
        inputMode={props.inputMode}
        required={props.required}
        min={props.min}
        max={props.max}
        aria-invalid={Boolean(errors?.length)}
        aria-describedby={describedBy(id, { hint: Boolean(hint), errors })}
        className={inputClassLarge}
      />
      <Errors id={id} errors={errors} />
    </div>
  );
}

/** The form-wide error, announced at once. */
export function FormError({ message, id }: { message?: string | null; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}

/** A success message, announced politely. */
export function Notice({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
      {message}
    </p>
  );
}

/** Field errors from an action result: "assignments.0.roleId" shows on "roleId" too. */
export function fieldErrors(fields: Record<string, string[] | undefined> | undefined, name: string): string[] | undefined {
  if (!fields) return undefined;
  const direct = fields[name];
  const nested = Object.entries(fields)
    .filter(([k]) => k.endsWith(`.${name}`) || k.startsWith(`${name}.`))
    .flatMap(([, v]) => v ?? []);
  const all = [...(direct ?? []), ...nested];
  return all.length ? [...new Set(all)] : undefined;
}
