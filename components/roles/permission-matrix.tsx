import { CATALOGUE, type Permission } from "@/lib/authz/catalogue";
import type { Grant } from "@/lib/authz/grants";
import { ACTION_LABEL, MATRIX_COLUMNS, SCOPE_LABEL, byPermission, describeGrantLimits, familyGroups, matrixRow, type MatrixColumn } from "@/lib/roles/spec";

const COLUMNS: { id: MatrixColumn; label: string }[] = [...MATRIX_COLUMNS.map((c) => ({ id: c, label: ACTION_LABEL[c] })), { id: "other", label: "Other" }];

type Change = "added" | "removed" | "changed";

/**
 * A role's permissions feature by feature, grouped by catalogue group: Read, Create, Edit, Delete,
 * Export and Other, each cell with its scope, conditions and hidden / read-only fields. With
 * `parentGrants`, what the role adds, changes and removes relative to its parent is highlighted.
 */
export function PermissionMatrix({ family, grants, parentGrants, caption }: { family: string; grants: readonly Grant[]; parentGrants?: readonly Grant[]; caption: string }) {
  const mine = byPermission(grants);
  const theirs = parentGrants ? byPermission(parentGrants) : null;
  const changeOf = (p: Permission): Change | null => {
    if (!theirs) return null;
    const a = mine.get(p);
    const b = theirs.get(p);
    if (a && !b) return "added";
    if (!a && b) return "removed";
    if (a && b && JSON.stringify(a) !== JSON.stringify(b)) return "changed";
    return null;
  };
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="w-full min-w-[40rem] border-collapse text-sm" data-testid="permission-matrix">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <th scope="col" className="px-3 py-2">
              Feature
            </th>
            {COLUMNS.map((c) => (
              <th key={c.id} scope="col" className="px-3 py-2">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        {familyGroups(family).map(({ group, resources }) => (
          <tbody key={group}>
            <tr className="border-b border-slate-200 bg-slate-50/60">
              <th scope="colgroup" colSpan={COLUMNS.length + 1} className="px-3 pb-1 pt-3 text-left text-xs font-semibold text-brand-700">
                {group}
              </th>
            </tr>
            {resources.map((resource) => {
              const cells = matrixRow(resource, mine);
              return (
                <tr key={resource} className="border-b border-slate-100 align-top" data-testid={`matrix-${resource}`}>
                  <th scope="row" className="px-3 py-2 text-left font-medium text-slate-800">
                    {CATALOGUE[resource].label}
                  </th>
                  {COLUMNS.map((col) => {
                    const all = cells.get(col.id) ?? [];
                    // "Other" lists only what the role holds (or just lost), so the column stays readable.
                    const entries = col.id === "other" ? all.filter((e) => e.grants.length > 0 || changeOf(e.permission)) : all;
                    if (entries.length === 0 && all.length > 0) {
                      return (
                        <td key={col.id} className="px-3 py-2 text-slate-600">
                          <span aria-hidden="true">—</span>
                          <span className="sr-only">No</span>
                        </td>
                      );
                    }
                    if (entries.length === 0) {
                      return (
                        <td key={col.id} className="px-3 py-2 text-slate-500">
                          <span aria-hidden="true">·</span>
                          <span className="sr-only">not applicable</span>
                        </td>
                      );
                    }
                    return (
                      <td key={col.id} className="px-3 py-2">
                        <ul className="space-y-1">
                          {entries.map((e) => (
                            <Cell key={e.permission} label={col.id === "other" ? ACTION_LABEL[e.action] ?? e.action : null} grants={e.grants} change={changeOf(e.permission)} testId={e.permission} />
                          ))}
                        </ul>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </div>
  );
}

const CHANGE_STYLE: Record<Change, string> = {
  added: "rounded bg-emerald-50 px-1 ring-1 ring-emerald-200",
  changed: "rounded bg-amber-50 px-1 ring-1 ring-amber-200",
  removed: "rounded bg-red-50 px-1 ring-1 ring-red-200",
};
const CHANGE_WORD: Record<Change, string> = { added: "added", changed: "changed", removed: "removed" };

function Cell({ label, grants, change, testId }: { label: string | null; grants: Grant[]; change: Change | null; testId: string }) {
  const held = grants.length > 0;
  return (
    <li className={change ? CHANGE_STYLE[change] : undefined} data-testid={`cell-${testId}`} data-change={change ?? undefined}>
      {label && <span className={held ? "font-medium text-slate-800" : "text-slate-700 line-through"}>{label}</span>}{label && !held && " "}
      {held ? (
        grants.map((g, i) => (
          <span key={i} className="block">
            <span aria-hidden="true" className="text-brand-700">
              ✓{" "}
            </span>
            <span className="text-slate-800">{SCOPE_LABEL[g.scope ?? "subtree"]}</span>
            {describeGrantLimits(g).map((limit) => (
              <span key={limit} className="block text-xs text-amber-800">
                {limit}
              </span>
            ))}
          </span>
        ))
      ) : (
        <span className="text-slate-600">
          <span aria-hidden="true">—</span>
          <span className="sr-only">No</span>
        </span>
      )}
      {change && <span className="block text-xs font-medium text-slate-700">{CHANGE_WORD[change]}</span>}
    </li>
  );
}
