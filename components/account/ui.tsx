"use client";

import { useState } from "react";

/** Small form helpers shared by the account-security forms: JSON calls with per-field errors. */
export type FieldErrors = Record<string, string[] | undefined>;
export type CallResult<T> = { ok: true; data: T } | { ok: false; message: string; fields: FieldErrors };

export async function callJson<T>(url: string, method: string, body?: unknown): Promise<CallResult<T>> {
  try {
    const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json().catch(() => null);
    if (res.ok) return { ok: true, data: json as T };
    return { ok: false, message: json?.error?.message ?? "Something went wrong. Please try again.", fields: json?.error?.fields ?? {} };
  } catch {
    return { ok: false, message: "We couldn't reach CareAccess. Check your connection and try again.", fields: {} };
  }
}

export function useForm() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function run<T>(fn: () => Promise<CallResult<T>>): Promise<T | null> {
    setPending(true);
    setErrors({});
    setFormError(null);
    const r = await fn();
    setPending(false);
    if (r.ok) return r.data;
    const fieldKeys = Object.keys(r.fields).filter((k) => k !== "_");
    setErrors(r.fields);
    if (!fieldKeys.length || r.message !== "Some fields need attention.") setFormError(fieldKeys.length ? r.message : (r.fields._?.[0] ?? r.message));
    return null;
  }
  return { errors, setErrors, formError, setFormError, pending, run };
}

export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-slate-900 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-[invalid=true]:border-red-600";
export const primaryButton = "rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-70";
export const secondaryButton = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:opacity-70";
export const dangerButton = "rounded-md border border-red-300 bg-white px-3 py-2 text-sm font-medium text-red-700 shadow-sm hover:bg-red-50 disabled:opacity-70";

export function Field(props: {
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
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
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
        aria-describedby={describedBy}
        className={inputClass}
      />
      {errors?.length ? (
        <div id={`${id}-error`} className="mt-1 space-y-0.5 text-sm text-red-700">
          {errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export function FormError({ message, id = "form-error" }: { message: string | null; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}

export function Notice({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
      {message}
    </p>
  );
}

export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700">
        Save these recovery codes somewhere safe. Each works once if you lose your phone. <strong>They won't be shown again.</strong>
      </p>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-900" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
    </div>
  );
}
