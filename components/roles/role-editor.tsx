"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState } from "react";
import { createRoleAction, updateRoleAction } from "@/lib/roles/actions";
import { queryKeys } from "@/components/client/query-keys";
import { useServerAction } from "@/components/client/use-server-action";
import { CATALOGUE, type Permission } from "@/lib/authz/catalogue";
import type { Conditions, Grant, Scope } from "@/lib/authz/grants";
import { ConditionsEditor } from "./conditions-editor";
import { ACTION_LABEL, SCOPE_HELP, SCOPE_LABEL, byPermission, describeGrantLimits, diffAgainstParent, familyGroups, permissionLabel, roleFieldsSchema } from "@/lib/roles/spec";

export interface ParentChoice {
  id: string;
  name: string;
  builtin: boolean;
  grants: Grant[];
}

export interface RoleEditorProps {
  placeId: string;
  family: string;
  parents: ParentChoice[];
  /** Per permission, the scopes the signed-in person may hand out here (computed by canGrant on the server). */
  grantable: Partial<Record<Permission, Scope[]>>;
  /** An edit: the role as loaded, with the version the save sends back (a stale one answers 409). */
  initial?: { roleId: string; version: number; name: string; description: string; parentId: string; grants: Grant[]; affectedPeople: number; affectedNames?: string[]; affectedRoles: number };
}

type Selection = Record<string, Grant[]>;
type Errors = Record<string, string>;

const toSelection = (grants: readonly Grant[]): Selection => Object.fromEntries(byPermission(grants));
const toList = (s: Selection): Grant[] => Object.values(s).flat();
const SCOPE_ORDER: Scope[] = ["subtree", "node", "assigned", "own"];

/**
 * Create or edit a custom role: name, description, the role it starts from, and per-feature
 * toggles with a scope each. Shows, before saving, what differs from the parent and, for an edit,
 * how many people the change reaches. Permissions the person can't hand out are locked, and the
 * server refuses them anyway (canGrant).
 */
export function RoleEditor({ placeId, family, parents, grantable, initial }: RoleEditorProps) {
  const router = useRouter();
  const uid = useId();
  const editing = Boolean(initial);
  const [name, setName] = useState(initial?.name ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [parentId, setParentId] = useState(initial?.parentId ?? "");
  const [selection, setSelection] = useState<Selection>(() => toSelection(initial?.grants ?? []));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  /** Someone else saved the role since it was loaded: the save was refused (409); offer a reload. */
  const [stale, setStale] = useState(false);
  /** The permission whose limits (amount, time window, validity) are being edited. */
  const [limitsOf, setLimitsOf] = useState<Permission | null>(null);

  const parent = parents.find((p) => p.id === parentId);
  const desired = useMemo(() => toList(selection), [selection]);
  const diff = useMemo(() => diffAgainstParent(parent?.grants ?? [], desired), [parent, desired]);
  const parentMap = useMemo(() => byPermission(parent?.grants ?? []), [parent]);
  // Everything the saved role grants must be held where it is defined (create and edit alike).
  const notHeld = desired.filter((g) => !grantable[g.permission]?.includes(g.scope ?? "subtree"));

  /** Editing a field clears its message (and the banner, once nothing is left to fix). */
  function touched(key: string) {
    setErrors((e) => {
      const next = { ...e };
      delete next[key];
      if (Object.keys(next).length === 0) setFormError(null);
      return next;
    });
  }
  function chooseParent(id: string) {
    touched("parentId");
    touched("grants");
    setParentId(id);
    // A new role starts as a copy of its parent; an edit keeps its permissions and re-diffs them.
    if (!editing) setSelection(toSelection(parents.find((p) => p.id === id)?.grants ?? []));
  }
  function toggle(permission: Permission, on: boolean) {
    touched("grants");
    setSelection((s) => {
      const next = { ...s };
      if (!on) delete next[permission];
      else {
        const inherited = parentMap.get(permission);
        const scopes = grantable[permission] ?? [];
        next[permission] = inherited ?? [{ permission, scope: SCOPE_ORDER.find((sc) => scopes.includes(sc)) ?? "subtree" }];
      }
      return next;
    });
  }
  function setConditions(permission: Permission, conditions: Conditions | undefined) {
    touched("grants");
    setSelection((s) => ({ ...s, [permission]: (s[permission] ?? [{ permission }]).slice(0, 1).map((g) => ({ ...g, permission, conditions })) }));
  }
  function setScope(permission: Permission, scope: Scope) {
    setSelection((s) => ({ ...s, [permission]: (s[permission] ?? [{ permission }]).slice(0, 1).map((g) => ({ ...g, permission, scope })) }));
  }

  // Member lists show role names, so a saved role invalidates them.
  const mutation = useServerAction<{ name: string; description: string; parentId: string; grants: Grant[] }, { id: string }>(
    (input) =>
      initial ? updateRoleAction({ ...input, placeId, roleId: initial.roleId, version: initial.version }) : createRoleAction({ ...input, placeId }),
    {
      invalidate: [queryKeys.members()],
      onSuccess: (data) => {
        router.push(`/o/${placeId}/settings/roles/${encodeURIComponent(data.id)}`);
        router.refresh();
      },
    },
  );
  async function save(input: { name: string; description: string; parentId: string; grants: Grant[] }) {
    const result = await mutation.run(input);
    if (result.ok) return;
    const err = result.error;
    setFormError(err.message);
    setStale(err.code === "conflict" && !err.fields);
    if (err.fields) setErrors(Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, v[0]])));
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setFormError(null);
    const parsed = roleFieldsSchema.safeParse({ name, description, parentId, grants: desired });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[String(issue.path[0] ?? "_")] ??= issue.message;
      setErrors(next);
      setFormError("Some fields need attention.");
      return;
    }
    setErrors({});
    void save({ name: parsed.data.name, description: parsed.data.description, parentId: parsed.data.parentId, grants: desired });
  }

  const input =
    "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-[invalid=true]:border-red-600";
  const fieldError = (key: string) =>
    errors[key] ? (
      <p id={`${uid}-${key}-error`} className="mt-1 text-sm text-red-700">
        {errors[key]}
      </p>
    ) : null;

  return (
    <form onSubmit={submit} noValidate className="space-y-6" aria-describedby={formError ? `${uid}-form-error` : undefined} data-testid="role-editor">
      {formError && (
        <p id={`${uid}-form-error`} role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="role-form-error">
          {formError}
          {stale && (
            <>
              {" "}
              <button type="button" onClick={() => window.location.reload()} className="font-medium underline" data-testid="reload-role">
                Reload
              </button>
            </>
          )}
        </p>
      )}

      <section className="grid gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm md:grid-cols-2" aria-label="About the role">
        <div>
          <label htmlFor={`${uid}-name`} className="block text-sm font-medium text-slate-700">
            Name
          </label>
          <input id={`${uid}-name`} value={name} onChange={(e) => (setName(e.target.value), touched("name"))} className={input} aria-invalid={Boolean(errors.name)} aria-describedby={errors.name ? `${uid}-name-error` : undefined} placeholder="e.g. Lead Therapist" />
          {fieldError("name")}
        </div>
        <div>
          <label htmlFor={`${uid}-parent`} className="block text-sm font-medium text-slate-700">
            Starts from (inherits from)
          </label>
          <select id={`${uid}-parent`} value={parentId} onChange={(e) => chooseParent(e.target.value)} className={input} aria-invalid={Boolean(errors.parentId)} aria-describedby={errors.parentId ? `${uid}-parentId-error` : `${uid}-parent-help`}>
            <option value="">Choose a role…</option>
            <optgroup label="Built-in roles">
              {parents.filter((p) => p.builtin).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </optgroup>
            {parents.some((p) => !p.builtin) && (
              <optgroup label="Custom roles">
                {parents.filter((p) => !p.builtin).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          {fieldError("parentId") ?? (
            <p id={`${uid}-parent-help`} className="mt-1 text-xs text-slate-600">
              The role keeps following its parent: a later change to the parent reaches this role too.
            </p>
          )}
        </div>
        <div className="md:col-span-2">
          <label htmlFor={`${uid}-description`} className="block text-sm font-medium text-slate-700">
            Description <span className="font-normal text-slate-500">(optional)</span>
          </label>
          <textarea id={`${uid}-description`} value={description} onChange={(e) => (setDescription(e.target.value), touched("description"))} rows={2} className={input} aria-invalid={Boolean(errors.description)} aria-describedby={errors.description ? `${uid}-description-error` : undefined} />
          {fieldError("description")}
        </div>
      </section>

      {!parent ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600" data-testid="choose-parent-first">
          Choose the role to start from; its permissions appear here for you to adjust.
        </p>
      ) : (
        <section aria-labelledby={`${uid}-perms`} className="space-y-4">
          <div>
            <h3 id={`${uid}-perms`} className="text-lg font-semibold">
              Permissions
            </h3>
            <p className="text-sm text-slate-600">
              Tick what the role may do; for each, choose where it applies: {SCOPE_ORDER.map((s) => `${SCOPE_LABEL[s]} (${SCOPE_HELP[s]})`).join("; ")}.
            </p>
          </div>
          {fieldError("grants")}
          {familyGroups(family).map(({ group, resources }) => (
            <fieldset key={group} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
              <legend className="px-1 text-sm font-semibold text-brand-700">{group}</legend>
              <div className="divide-y divide-slate-100">
                {resources.map((resource) => (
                  <div key={resource} className="flex flex-col gap-2 py-3 md:flex-row md:flex-wrap md:items-start" data-testid={`editor-${resource}`}>
                    <p className="w-48 shrink-0 text-sm font-medium text-slate-800">{CATALOGUE[resource].label}</p>
                    <ul className="flex flex-wrap gap-2 md:min-w-0 md:flex-1">
                      {(CATALOGUE[resource].actions as readonly string[]).map((action) => {
                        const permission = `${resource}.${action}` as Permission;
                        const grants = selection[permission];
                        const checked = Boolean(grants);
                        const inherited = parentMap.get(permission);
                        const state = checked && !inherited ? "added" : !checked && inherited ? "removed" : checked && inherited && diff.changed.includes(permission) ? "changed" : null;
                        const allowed = grantable[permission] ?? [];
                        const locked = !checked && allowed.length === 0;
                        const scope = grants?.[0]?.scope ?? "subtree";
                        const scopes = SCOPE_ORDER.filter((s) => allowed.includes(s) || s === scope);
                        const id = `${uid}-${permission}`;
                        const missing = checked && notHeld.some((g) => g.permission === permission);
                        return (
                          <li
                            key={action}
                            className={`flex flex-wrap items-center gap-1.5 rounded-lg border px-2 py-1 text-sm ${
                              state === "added" ? "border-emerald-300 bg-emerald-50" : state === "removed" ? "border-red-300 bg-red-50" : state === "changed" ? "border-amber-300 bg-amber-50" : "border-slate-200"
                            } ${missing ? "ring-2 ring-red-400" : ""}`}
                            data-testid={`perm-${permission}`}
                            data-state={state ?? undefined}
                          >
                            <input
                              id={id}
                              type="checkbox"
                              checked={checked}
                              disabled={locked}
                              onChange={(e) => toggle(permission, e.target.checked)}
                              aria-describedby={locked || missing ? `${id}-lock` : undefined}
                              className="h-4 w-4 rounded border-slate-400 accent-brand-600"
                            />
                            <label htmlFor={id} className={`${locked ? "text-slate-500" : "text-slate-800"} ${state === "removed" ? "line-through" : ""}`}>
                              {ACTION_LABEL[action] ?? action}
                              <span className="sr-only"> — {CATALOGUE[resource].label}</span>
                            </label>
                            {checked && (
                              <>
                                <label htmlFor={`${id}-scope`} className="sr-only">
                                  Where {permissionLabel(permission)} applies
                                </label>
                                <select id={`${id}-scope`} value={scope} onChange={(e) => setScope(permission, e.target.value as Scope)} className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs" data-testid={`scope-${permission}`}>
                                  {scopes.map((s) => (
                                    <option key={s} value={s}>
                                      {SCOPE_LABEL[s]}
                                    </option>
                                  ))}
                                </select>
                                {grants!.flatMap(describeGrantLimits).map((l) => (
                                  <span key={l} className="text-xs text-amber-800">
                                    {l}
                                  </span>
                                ))}
                                <button
                                  type="button"
                                  onClick={() => setLimitsOf(limitsOf === permission ? null : permission)}
                                  aria-expanded={limitsOf === permission}
                                  aria-controls={`${id}-limits`}
                                  className="rounded border border-slate-300 px-1.5 py-0.5 text-xs text-slate-700 hover:bg-slate-50"
                                  data-testid={`limits-${permission}`}
                                >
                                  Limits<span className="sr-only"> for {permissionLabel(permission)}</span>
                                </button>
                              </>
                            )}
                            {(locked || missing) && (
                              <span id={`${id}-lock`} className="text-xs text-slate-600">
                                you don&apos;t hold this here
                              </span>
                            )}
                          </li>
                        );
                      })}
                    </ul>
                    {limitsOf && limitsOf.startsWith(`${resource}.`) && selection[limitsOf] && (
                      <ConditionsEditor
                        id={`${uid}-${limitsOf}-limits`}
                        label={permissionLabel(limitsOf)}
                        conditions={selection[limitsOf][0]?.conditions}
                        onChange={(c) => setConditions(limitsOf, c)}
                        onClose={() => setLimitsOf(null)}
                      />
                    )}
                  </div>
                ))}
              </div>
            </fieldset>
          ))}
        </section>
      )}

      {parent && (
        <section aria-labelledby={`${uid}-diff`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="role-diff-preview">
          <h3 id={`${uid}-diff`} className="text-lg font-semibold">
            Compared with {parent.name}
          </h3>
          <div aria-live="polite" className="mt-2 grid gap-3 text-sm md:grid-cols-3">
            <DiffList title="Added" tone="text-emerald-800" items={diff.added} testId="diff-added" />
            <DiffList title="Changed scope or limits" tone="text-amber-800" items={diff.changed} testId="diff-changed" />
            <DiffList title="Removed" tone="text-red-800" items={diff.removed} testId="diff-removed" />
          </div>
          <p className="mt-3 text-xs text-slate-600">Only these differences are stored; everything else follows {parent.name}.</p>
          {initial && (
            <p className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="affected-people">
              Saving changes what {initial.affectedPeople} {initial.affectedPeople === 1 ? "person" : "people"} can do
              {initial.affectedRoles > 0 ? ` (holders of this role and of ${initial.affectedRoles} ${initial.affectedRoles === 1 ? "role" : "roles"} inheriting from it)` : " (everyone holding this role)"}
              {initial.affectedNames?.length ? `: ${initial.affectedNames.join(", ")}${initial.affectedPeople > initial.affectedNames.length ? ` and ${initial.affectedPeople - initial.affectedNames.length} more` : ""}` : ""}.
            </p>
          )}
          {notHeld.length > 0 && (
            <p role="status" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="not-held-warning">
              You can only grant what you hold yourself. You don&apos;t hold {notHeld.map((g) => permissionLabel(g.permission)).join(", ")} here, so this role can&apos;t be saved with
              {notHeld.length === 1 ? " it" : " them"}: untick {notHeld.length === 1 ? "it" : "them"}, or ask an owner.
            </p>
          )}
        </section>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={mutation.pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-70" data-testid="save-role">
          {mutation.pending ? "Saving…" : editing ? "Save changes" : "Create role"}
        </button>
        <Link href={initial ? `/o/${placeId}/settings/roles/${encodeURIComponent(initial.roleId)}` : `/o/${placeId}/settings/roles`} className="text-sm font-medium text-slate-700 hover:underline">
          Cancel
        </Link>
      </div>
    </form>
  );
}

function DiffList({ title, tone, items, testId }: { title: string; tone: string; items: Permission[]; testId: string }) {
  return (
    <div>
      <p className={`font-medium ${tone}`}>
        {title} ({items.length})
      </p>
      {items.length === 0 ? (
        <p className="text-slate-500">nothing</p>
      ) : (
        <ul className="mt-1 list-inside list-disc text-slate-700" data-testid={testId}>
          {items.map((p) => (
            <li key={p}>{permissionLabel(p)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
