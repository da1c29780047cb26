"use client";

import { useId, useState } from "react";
import { endSupport, grantSupport } from "@/lib/access/actions";
import type { SupportAccessStatus } from "@/lib/access/support";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";

type Person = { id: string; name: string; email: string };
export interface SupportGrantView {
  staff: Person;
  place: string;
  level: "read_only" | "admin";
  startsAt: string | null;
  endsAt: string | null;
  reason: string | null;
  grantedBy: string | null;
  status: SupportAccessStatus;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" }) : "—");
const HOURS = [
  { value: 4, label: "4 hours" },
  { value: 8, label: "8 hours" },
  { value: 24, label: "1 day" },
  { value: 72, label: "3 days" },
  { value: 168, label: "7 days" },
  { value: 720, label: "30 days" },
];
const STATUS: Record<SupportAccessStatus, { label: string; className: string }> = {
  active: { label: "Active", className: "bg-emerald-100 text-emerald-900" },
  scheduled: { label: "Scheduled", className: "bg-sky-100 text-sky-900" },
  ended: { label: "Ended", className: "bg-slate-200 text-slate-800" },
};

export function SupportAccess({ tenantId, grants, staff }: { tenantId: string; grants: SupportGrantView[]; staff: Person[] }) {
  const uid = useId();
  const [done, setDone] = useState<string | null>(null);
  const save = useServerAction(grantSupport, { refresh: true, onSuccess: () => setDone("Support access given. The support person has been emailed.") });
  const fields = save.fields;
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Support access</h1>
        <p className="mt-1 text-sm text-slate-600">
          CareAccess support staff can&apos;t see your organisation unless an owner lets them in, for a limited time. Read-only access shows your setup (people, roles, places, settings, activity) but no patient, clinical or billing data.
          Every grant and every end is in the activity log.
        </p>
      </header>
      <section aria-labelledby={`${uid}-t`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id={`${uid}-t`} className="text-lg font-semibold">
          Give support access
        </h2>
        <form
          noValidate
          className="mt-3 grid gap-3 sm:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            setDone(null);
            const f = new FormData(e.currentTarget);
            void save.run({
              tenantId,
              staffId: String(f.get("staffId") ?? ""),
              level: String(f.get("level") ?? "read_only") as "read_only" | "admin",
              endsAt: new Date(Date.now() + Number(f.get("hours") ?? 8) * 3_600_000).toISOString(),
              reason: String(f.get("reason") ?? ""),
            });
          }}
        >
          <div className="sm:col-span-2">
            <FormError message={save.message} />
            <Notice message={done} />
          </div>
          <Field id={`${uid}-staff`} label="Support person" error={fieldErrors(fields, "staffId")}>
            <select id={`${uid}-staff`} name="staffId" className={inputClass} defaultValue="" data-testid="support-staff">
              <option value="" disabled>
                Choose a support person
              </option>
              {staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.email})
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${uid}-level`} label="Access" error={fieldErrors(fields, "level")}>
            <select id={`${uid}-level`} name="level" className={inputClass} defaultValue="read_only" data-testid="support-level">
              <option value="read_only">Read-only (recommended)</option>
              <option value="admin">Admin: can change settings and people</option>
            </select>
          </Field>
          <Field id={`${uid}-hours`} label="For" error={fieldErrors(fields, "endsAt")}>
            <select id={`${uid}-hours`} name="hours" className={inputClass} defaultValue="8" data-testid="support-hours">
              {HOURS.map((h) => (
                <option key={h.value} value={h.value}>
                  {h.label}
                </option>
              ))}
            </select>
          </Field>
          <div className="sm:col-span-2">
            <Field id={`${uid}-reason`} label="Reason" error={fieldErrors(fields, "reason")} hint="For example, the support ticket number.">
              <textarea id={`${uid}-reason`} name="reason" rows={2} className={inputClass} data-testid="support-reason" />
            </Field>
          </div>
          <div className="sm:col-span-2">
            <button type="submit" className={buttonClass.primary} disabled={save.pending} data-testid="support-submit">
              {save.pending ? "Giving access…" : "Give access"}
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby={`${uid}-l`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id={`${uid}-l`} className="text-lg font-semibold">
          Support access to this organisation
        </h2>
        {grants.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Support staff have no access to your organisation.</p>
        ) : (
          <table className="mt-3 w-full text-sm" data-testid="support-grants">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <th scope="col" className="py-2 pr-3">Support person</th>
                <th scope="col" className="py-2 pr-3">Access</th>
                <th scope="col" className="py-2 pr-3">Until</th>
                <th scope="col" className="py-2 pr-3">Status</th>
                <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {grants.map((g) => (
                <Grant key={g.staff.id} g={g} tenantId={tenantId} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function Grant({ g, tenantId }: { g: SupportGrantView; tenantId: string }) {
  const end = useServerAction(endSupport, { refresh: true });
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`support-${g.staff.email}`}>
      <td className="py-2 pr-3">
        <span className="font-medium">{g.staff.name}</span>
        <span className="block text-xs text-slate-600">
          {g.reason ?? ""}
          {g.grantedBy ? ` · given by ${g.grantedBy}` : ""}
        </span>
      </td>
      <td className="py-2 pr-3">{g.level === "read_only" ? "Read-only" : "Admin"}</td>
      <td className="py-2 pr-3">{when(g.endsAt)}</td>
      <td className="py-2 pr-3">
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[g.status].className}`}>{STATUS[g.status].label}</span>
      </td>
      <td className="py-2 text-right">
        {g.status !== "ended" && (
          <button type="button" className={buttonClass.dangerOutline} disabled={end.pending} onClick={() => void end.run({ tenantId, staffId: g.staff.id })} data-testid="support-end">
            End now
          </button>
        )}
        <FormError message={end.message} />
      </td>
    </tr>
  );
}
