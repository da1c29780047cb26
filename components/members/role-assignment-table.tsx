"use client";

import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";
import type { NodeKind } from "@/lib/authz/tree";
import { inputClass } from "@/components/ui/form";
import { RoleSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";

/**
 * One person's role at each place: a row per place (indented by depth) with a role select,
 * "No role here" removing the role. The caller owns the draft: `value` is what a row shows,
 * `onChange` records a new choice.
 *
 * With `person` (a page that picks the person, e.g. Settings > Locations) the table has a visible
 * header, each row shows the place's kind, the select is labelled "Role of <person> at <place>"
 * and changed rows are highlighted. Without it (the person's own page) the place name is the
 * select's label.
 */
export function RoleAssignmentTable({
  places,
  roles,
  value,
  onChange,
  selectId,
  disabled,
  person,
  changed,
  selectTestId,
  dates,
}: {
  places: PlaceOption[];
  /** The roles a row offers, given the role it shows now. */
  roles: (current: string) => RoleOption[];
  value: (placeId: string) => string;
  onChange: (placeId: string, roleId: string) => void;
  selectId: (placeId: string) => string;
  disabled?: boolean;
  person?: string;
  changed?: (placeId: string) => boolean;
  selectTestId?: (place: PlaceOption) => string;
  /** Temporary access (issue 11): a From and an Until day per row (inclusive; empty = no limit). */
  dates?: {
    value: (placeId: string) => { from: string; until: string };
    onChange: (placeId: string, field: "from" | "until", day: string) => void;
    problem?: (placeId: string) => string | null;
  };
}) {
  /** The From and Until inputs of one row; `wrap` puts each in its table cell (or not, in a flex row). */
  const dateInputs = (p: PlaceOption, idPrefix: string, wrap: (field: "from" | "until", input: React.ReactNode) => React.ReactNode) => {
    if (!dates) return null;
    const v = dates.value(p.id);
    const problem = dates.problem?.(p.id) ?? null;
    const off = disabled || !value(p.id);
    const input = (field: "from" | "until", label: string) =>
      wrap(
        field,
        <>
          <label htmlFor={`${idPrefix}-${field}`} className="sr-only">
            {label} at {p.name}
          </label>
          <input
            id={`${idPrefix}-${field}`}
            type="date"
            value={v[field]}
            disabled={off}
            onChange={(e) => dates.onChange(p.id, field, e.target.value)}
            aria-invalid={field === "until" && problem ? true : undefined}
            aria-describedby={field === "until" && problem ? `${idPrefix}-problem` : undefined}
            className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-100 disabled:text-slate-600"
            data-testid={`${field}-${p.name}`}
          />
          {field === "until" && problem && (
            <p id={`${idPrefix}-problem`} className="mt-1 text-xs text-red-700">
              {problem}
            </p>
          )}
        </>,
      );
    return (
      <>
        {input("from", "Access from")}
        {input("until", "Access until")}
      </>
    );
  };
  const dateCells = (p: PlaceOption, idPrefix: string) =>
    dateInputs(p, idPrefix, (field, input) => (
      <td key={field} className="py-1.5 pl-2 align-top">
        {input}
      </td>
    ));
  const dateHeads = (className: string) =>
    dates ? (
      <>
        <th scope="col" className={className}>
          From
        </th>
        <th scope="col" className={className}>
          Until
        </th>
      </>
    ) : null;
  const select = (p: PlaceOption, className: string) => {
    const current = value(p.id);
    return (
      <RoleSelect
        id={selectId(p.id)}
        value={current}
        disabled={disabled}
        onChange={(e) => onChange(p.id, e.target.value)}
        className={className}
        roles={roles(current)}
        empty={{ label: "No role here" }}
        data-testid={selectTestId?.(p)}
      />
    );
  };

  if (person === undefined)
    return (
      <table className="mt-2 w-full text-sm">
        <thead className="sr-only">
          <tr>
            <th scope="col">Place</th>
            <th scope="col">Role{dates ? ", from and until" : ""}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {places.map((p) => (
            <tr key={p.id}>
              <td className="py-2 pr-3" style={{ paddingLeft: `${p.depth}rem` }}>
                <label htmlFor={selectId(p.id)}>{p.name}</label>
              </td>
              <td className="py-2">
                {select(p, `${inputClass} mt-0`)}
                {dates && (
                  <div className="mt-1.5 grid grid-cols-2 gap-2">
                    {dateInputs(p, selectId(p.id), (field, input) => (
                      <div key={field}>{input}</div>
                    ))}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <table className="w-full text-sm">
      <caption className="sr-only">Role of {person} at each place</caption>
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <th scope="col" className="py-2 pr-3">
            Place
          </th>
          <th scope="col" className="py-2">
            Role there
          </th>
          {dateHeads("py-2 pl-2")}
        </tr>
      </thead>
      <tbody>
        {places.map((p) => (
          <tr key={p.id} className={`border-b border-slate-100 ${changed?.(p.id) ? "bg-amber-50" : ""}`}>
            <th scope="row" className="py-1.5 pr-3 text-left font-normal" style={{ paddingLeft: `${p.depth * 1}rem` }}>
              <span className="font-medium">{p.name}</span> <span className="text-xs text-slate-600">{NODE_KIND_LABEL[p.kind as NodeKind]}</span>
            </th>
            <td className="py-1.5">
              <label htmlFor={selectId(p.id)} className="sr-only">
                Role of {person} at {p.name}
              </label>
              {select(p, "w-full max-w-xs rounded-md border border-slate-300 px-2 py-1 text-sm")}
            </td>
            {dateCells(p, selectId(p.id))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
