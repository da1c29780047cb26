"use client";

import { useId, useState } from "react";
import { delegate, endDelegationEarly } from "@/lib/access/actions";
import { datesProblem, endOfDayIso, startOfDayIso } from "@/lib/access/dates";
import type { DelegationStatus } from "@/lib/access/delegations";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";

type Person = { id: string; name: string };
export interface DelegationView {
  id: string;
  place: { id: string; name: string };
  delegator: Person;
  delegate: Person;
  permissions: string[];
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  reason: string;
  status: DelegationStatus;
}
type Group = { resource: string; label: string; permissions: string[] };

const STATUS: Record<DelegationStatus, { label: string; className: string }> = {
  scheduled: { label: "Scheduled", className: "bg-sky-100 text-sky-900" },
  active: { label: "Active", className: "bg-emerald-100 text-emerald-900" },
  ended: { label: "Ended early", className: "bg-slate-200 text-slate-800" },
  expired: { label: "Ended", className: "bg-slate-200 text-slate-800" },
};
const when = (iso: string) => new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
const today = () => new Date().toLocaleDateString("en-CA");
const actionOf = (p: string) => p.slice(p.indexOf(".") + 1).replace(/_/g, " ");

export function Delegations(props: {
  nodeId: string;
  placeName: string;
  groups: Group[];
  colleagues: (Person & { email: string })[];
  userId: string;
  given: DelegationView[];
  received: DelegationView[];
  others: DelegationView[];
}) {
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Delegations</h1>
        <p className="mt-1 text-sm text-slate-600">
          While you are away, lend some of your own permissions here to a colleague for a period (“Acting Manager”). They can use them only while you still hold them, and what they do with them is recorded as on your behalf. It ends
          by itself at the end of the period, or when you end it.
        </p>
      </header>
      <DelegateForm {...props} />
      <List title="You delegated" empty="You haven't delegated anything here." rows={props.given} who="delegate" testId="given" />
      <List title="Delegated to you" empty="Nobody has delegated anything to you here." rows={props.received} who="delegator" testId="received" />
      {props.others.length > 0 && <List title="Other delegations at this place" empty="" rows={props.others} who="both" testId="others" />}
    </div>
  );
}

function DelegateForm({ nodeId, placeName, groups, colleagues }: { nodeId: string; placeName: string; groups: Group[]; colleagues: (Person & { email: string })[] }) {
  const uid = useId();
  const [from, setFrom] = useState(today());
  const [until, setUntil] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [local, setLocal] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const save = useServerAction(delegate, { refresh: true, onSuccess: () => (setDone("Delegated. Your colleague has been emailed."), setChosen(new Set())) });
  const fields = save.fields;
  const toggle = (p: string, on: boolean) => setChosen((old) => {
    const next = new Set(old);
    if (on) next.add(p);
    else next.delete(p);
    return next;
  });
  if (groups.length === 0) {
    return (
      <section className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 className="text-lg font-semibold">Delegate</h2>
        <p className="mt-2 text-sm text-slate-600">Your own role at {placeName} holds nothing you could delegate.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby={`${uid}-t`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={`${uid}-t`} className="text-lg font-semibold">
        Delegate at {placeName}
      </h2>
      <form
        noValidate
        className="mt-3 grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(null);
          const f = new FormData(e.currentTarget);
          if (!until) return setLocal("Choose the last day of the delegation.");
          const problem = datesProblem(from, until);
          if (problem) return setLocal(problem);
          setLocal(null);
          void save.run({
            nodeId,
            delegateId: String(f.get("delegateId") ?? ""),
            permissions: [...chosen],
            startsAt: from === today() || !from ? new Date().toISOString() : startOfDayIso(from)!,
            endsAt: endOfDayIso(until)!,
            reason: String(f.get("reason") ?? ""),
          });
        }}
      >
        <div className="sm:col-span-2">
          <FormError message={local ?? save.message} />
          <Notice message={done} />
        </div>
        <Field id={`${uid}-who`} label="Colleague" error={fieldErrors(fields, "delegateId")}>
          <select id={`${uid}-who`} name="delegateId" className={inputClass} defaultValue="" data-testid="delegate-to">
            <option value="" disabled>
              Choose a colleague
            </option>
            {colleagues.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.email})
              </option>
            ))}
          </select>
        </Field>
        <div />
        <Field id={`${uid}-from`} label="From" error={fieldErrors(fields, "startsAt")}>
          <input id={`${uid}-from`} type="date" className={inputClass} value={from} min={today()} onChange={(e) => setFrom(e.target.value)} data-testid="delegate-from" />
        </Field>
        <Field id={`${uid}-until`} label="Until (last day)" error={fieldErrors(fields, "endsAt")}>
          <input id={`${uid}-until`} type="date" className={inputClass} value={until} min={from || today()} onChange={(e) => setUntil(e.target.value)} data-testid="delegate-until" />
        </Field>
        <fieldset className="sm:col-span-2" aria-describedby={fieldErrors(fields, "permissions") ? `${uid}-perm-err` : undefined}>
          <legend className="text-sm font-medium text-slate-700">What to delegate (only what you hold here)</legend>
          {fieldErrors(fields, "permissions") && (
            <p id={`${uid}-perm-err`} className="mt-1 text-sm text-red-700">
              {fieldErrors(fields, "permissions")!.join(" ")}
            </p>
          )}
          <div className="mt-2 grid max-h-72 gap-2 overflow-y-auto rounded-lg border border-slate-200 p-3 sm:grid-cols-2" data-testid="delegate-permissions">
            {groups.map((g) => (
              <div key={g.resource}>
                <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">{g.label}</p>
                <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1">
                  {g.permissions.map((p) => (
                    <label key={p} className="inline-flex items-center gap-1 text-sm">
                      <input type="checkbox" checked={chosen.has(p)} onChange={(e) => toggle(p, e.target.checked)} data-testid={`perm-${p}`} aria-label={`${g.label}: ${actionOf(p)}`} />
                      {actionOf(p)}
                    </label>
                  ))}
                </div>
              </div>
            ))}
          </div>
        </fieldset>
        <div className="sm:col-span-2">
          <Field id={`${uid}-reason`} label="Reason" error={fieldErrors(fields, "reason")} hint="For example: on leave, covering as Acting Manager. Your colleague and the audit log see this.">
            <textarea id={`${uid}-reason`} name="reason" rows={2} className={inputClass} data-testid="delegate-reason" />
          </Field>
        </div>
        <div className="sm:col-span-2">
          <button type="submit" className={buttonClass.primary} disabled={save.pending} data-testid="delegate-submit">
            {save.pending ? "Delegating…" : `Delegate ${chosen.size || ""} permission${chosen.size === 1 ? "" : "s"}`}
          </button>
        </div>
      </form>
    </section>
  );
}

function List({ title, empty, rows, who, testId }: { title: string; empty: string; rows: DelegationView[]; who: "delegate" | "delegator" | "both"; testId: string }) {
  const uid = useId();
  return (
    <section aria-labelledby={`${uid}-t`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={`${uid}-t`} className="text-lg font-semibold">
        {title}
      </h2>
      {rows.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{empty}</p>
      ) : (
        <table className="mt-3 w-full text-sm" data-testid={`delegations-${testId}`}>
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <th scope="col" className="py-2 pr-3">{who === "delegate" ? "To" : who === "delegator" ? "From" : "From → to"}</th>
              <th scope="col" className="py-2 pr-3">Permissions</th>
              <th scope="col" className="py-2 pr-3">Period</th>
              <th scope="col" className="py-2 pr-3">Status</th>
              <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row key={r.id} r={r} who={who} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Row({ r, who }: { r: DelegationView; who: "delegate" | "delegator" | "both" }) {
  const end = useServerAction(endDelegationEarly, { refresh: true });
  const open = r.status === "active" || r.status === "scheduled";
  const person = who === "delegate" ? r.delegate.name : who === "delegator" ? r.delegator.name : `${r.delegator.name} → ${r.delegate.name}`;
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`delegation-${r.id}`}>
      <td className="py-2 pr-3">
        <span className="font-medium">{person}</span>
        <span className="block text-xs text-slate-600">at {r.place.name} · “{r.reason}”</span>
      </td>
      <td className="py-2 pr-3">{r.permissions.join(", ")}</td>
      <td className="py-2 pr-3">
        {when(r.startsAt)} – {when(r.endedAt ?? r.endsAt)}
      </td>
      <td className="py-2 pr-3">
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[r.status].className}`}>{STATUS[r.status].label}</span>
      </td>
      <td className="py-2 text-right">
        {open && (
          <button type="button" className={buttonClass.dangerOutline} disabled={end.pending} onClick={() => void end.run({ delegationId: r.id })} data-testid="delegation-end">
            {who === "delegator" ? "Hand back" : "End now"}
          </button>
        )}
        <FormError message={end.message} />
      </td>
    </tr>
  );
}
