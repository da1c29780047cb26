"use client";

import { useState } from "react";
import { useServerAction } from "@/components/client/use-server-action";
import { FormError, Notice, buttonClass } from "@/components/ui/form";
import { updateFeatureFlagAction } from "@/lib/flags/actions";

type Flag = { flag: string; label: string; description: string; platformOnly: boolean; enabled: boolean; hiddenRoleIds: string[]; updatedAt: string | null };

/** One card per flag: on/off (platform flags: staff only) and the roles that don't see it. */
export function FeatureFlagsForm({ tenantId, flags, roles, canEdit, isPlatformStaff }: { tenantId: string; flags: Flag[]; roles: { id: string; name: string }[]; canEdit: boolean; isPlatformStaff: boolean }) {
  return (
    <ul className="space-y-4">
      {flags.map((f) => (
        <li key={f.flag}>
          <FlagCard tenantId={tenantId} initial={f} roles={roles} canEdit={canEdit} isPlatformStaff={isPlatformStaff} />
        </li>
      ))}
    </ul>
  );
}

function FlagCard({ tenantId, initial, roles, canEdit, isPlatformStaff }: { tenantId: string; initial: Flag; roles: { id: string; name: string }[]; canEdit: boolean; isPlatformStaff: boolean }) {
  const [flag, setFlag] = useState(initial);
  const [hidden, setHidden] = useState(new Set(initial.hiddenRoleIds));
  const [notice, setNotice] = useState<string | null>(null);
  const save = useServerAction(updateFeatureFlagAction, { refresh: true });
  const canToggle = flag.platformOnly ? isPlatformStaff : canEdit;
  const headingId = `flag-${flag.flag}`;
  const run = async (change: { enabled?: boolean; hiddenRoleIds?: string[] }, message: string) => {
    setNotice(null);
    const res = await save.run({ tenantId, flag: flag.flag, ...change });
    if (res.ok) {
      setFlag({ ...res.data, updatedAt: res.data.updatedAt ? new Date(res.data.updatedAt).toISOString() : null });
      setHidden(new Set(res.data.hiddenRoleIds));
      setNotice(message);
    }
  };
  return (
    <section aria-labelledby={headingId} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid={`flag-card-${flag.flag}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h3 id={headingId} className="font-semibold">
            {flag.label}
            {flag.platformOnly && <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-300">Platform</span>}
          </h3>
          <p className="mt-1 text-sm text-slate-600">{flag.description}</p>
        </div>
        <div className="flex items-center gap-3">
          <span className={`rounded-full px-3 py-1 text-sm font-semibold ring-1 ${flag.enabled ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-slate-100 text-slate-700 ring-slate-300"}`} data-testid="flag-state">
            {flag.enabled ? "On" : "Off"}
          </span>
          {canToggle && (
            <button type="button" className={buttonClass.secondary} disabled={save.pending} onClick={() => run({ enabled: !flag.enabled }, `${flag.label} is now ${flag.enabled ? "off" : "on"}.`)}>
              Turn {flag.enabled ? "off" : "on"}
            </button>
          )}
        </div>
      </div>
      {flag.platformOnly && !isPlatformStaff && <p className="mt-2 text-xs text-slate-600">Only CareAccess staff turn this on or off.</p>}
      <form
        className="mt-4"
        onSubmit={(e) => {
          e.preventDefault();
          void run({ hiddenRoleIds: [...hidden] }, `Saved who sees ${flag.label}.`);
        }}
      >
        <fieldset disabled={!canEdit || save.pending}>
          <legend className="text-sm font-medium text-slate-700">Roles that see it</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-3">
            {roles.map((r) => (
              <label key={r.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={!hidden.has(r.id)}
                  onChange={(e) => {
                    const next = new Set(hidden);
                    if (e.target.checked) next.delete(r.id);
                    else next.add(r.id);
                    setHidden(next);
                  }}
                />
                {r.name}
              </label>
            ))}
          </div>
          {canEdit && (
            <button type="submit" className={`${buttonClass.primary} mt-3`}>
              Save roles
            </button>
          )}
        </fieldset>
      </form>
      <div className="mt-3 space-y-2">
        <FormError message={save.message} />
        <Notice message={notice} />
      </div>
    </section>
  );
}
