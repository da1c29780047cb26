"use client";

/** Form pieces shared by the settings screens: labelled fields with their error messages. */
export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-[invalid=true]:border-red-600";
export const buttonClass = {
  primary: "rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-60",
  secondary: "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60",
  danger: "rounded-md bg-red-700 px-3 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60",
};

export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string[]; hint?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error?.length && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
      {error?.map((e) => (
        <p key={e} id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {e}
        </p>
      ))}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}

/** Field errors from an action result: "assignments.0.roleId" shows on "roleId" too. */
export function fieldErrors(fields: Record<string, string[]> | undefined, name: string): string[] | undefined {
  if (!fields) return undefined;
  const direct = fields[name];
  const nested = Object.entries(fields).filter(([k]) => k.endsWith(`.${name}`) || k.startsWith(`${name}.`)).flatMap(([, v]) => v);
  const all = [...(direct ?? []), ...nested];
  return all.length ? [...new Set(all)] : undefined;
}
