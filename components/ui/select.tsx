"use client";

import type { SelectHTMLAttributes } from "react";
import { inputClass } from "./form";

/** A place a picker offers: indented by its depth below the place the page is about. */
export interface PlaceOption {
  id: string;
  name: string;
  kind: string;
  depth: number;
}
/** A role a picker offers; custom roles are marked "(custom)". */
export interface RoleOption {
  id: string;
  name: string;
  custom: boolean;
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "children"> & {
  /** The first option, value "": "Any role", "Choose a role" (disabled: a prompt, not a choice)… */
  empty?: { label: string; disabled?: boolean };
};

function EmptyOption({ empty }: { empty: SelectProps["empty"] }) {
  if (!empty) return null;
  return (
    <option value="" disabled={empty.disabled}>
      {empty.label}
    </option>
  );
}

/** The one role picker: a plain <select> (label it with <Field> or a <label htmlFor>). */
export function RoleSelect({ roles, empty, className = inputClass, ...props }: SelectProps & { roles: RoleOption[] }) {
  return (
    <select className={className} {...props}>
      <EmptyOption empty={empty} />
      {roles.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name}
          {r.custom ? " (custom)" : ""}
        </option>
      ))}
    </select>
  );
}

/** The one place picker: the places in tree order, each indented by its depth. */
export function PlaceSelect({ places, empty, className = inputClass, ...props }: SelectProps & { places: PlaceOption[] }) {
  return (
    <select className={className} {...props}>
      <EmptyOption empty={empty} />
      {places.map((p) => (
        <option key={p.id} value={p.id}>
          {"\u00a0\u00a0".repeat(p.depth)}
          {p.name}
        </option>
      ))}
    </select>
  );
}

/** The one person picker: "Name (email)" for each person. */
export function PersonSelect({ people, empty, className = inputClass, ...props }: SelectProps & { people: { id: string; name: string; email: string }[] }) {
  return (
    <select className={className} {...props}>
      <EmptyOption empty={empty} />
      {people.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name} ({p.email})
        </option>
      ))}
    </select>
  );
}

/** A compact filter of a GET form: its label around it, "all" first (its value `all.value`), then the options by name. */
export function FilterSelect({ label, name, options, all, defaultValue }: { label: string; name: string; options: { id: string; name: string }[]; all: { value: string; label: string }; defaultValue: string }) {
  return (
    <label className="text-sm text-slate-700">
      {label}
      <select name={name} defaultValue={defaultValue} className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
        <option value={all.value}>{all.label}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
