"use client";

import { useId, useState } from "react";
import { delegate, endDelegationEarly } from "@/lib/access/actions";
import type { DelegationStatus } from "@/lib/access/delegations";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, fieldErrors } from "@/components/ui/form";
import { PersonSelect } from "@/components/ui/select";
import { Cell, DateRangeFields, EndCell, FormPanel, GrantList, GrantRow, Period, ReasonField, StatusBadge, WhoCell, useDateRange } from "./grant-kit";

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
  const range = useDateRange();
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
    <FormPanel
      title={`Delegate at ${placeName}`}
      error={local ?? save.message}
      notice={done}
      pending={save.pending}
      submit={{ label: `Delegate ${chosen.size || ""} permission${chosen.size === 1 ? "" : "s"}`, pendingLabel: "Delegating…", testId: "delegate-submit" }}
      onSubmit={(f) => {
        setDone(null);
        const problem = range.problem("Choose the last day of the delegation.");
        if (problem) return setLocal(problem);
        setLocal(null);
        void save.run({ nodeId, delegateId: String(f.get("delegateId") ?? ""), permissions: [...chosen], ...range.period(), reason: String(f.get("reason") ?? "") });
      }}
    >
      <Field id={`${uid}-who`} label="Colleague" error={fieldErrors(fields, "delegateId")}>
        <PersonSelect id={`${uid}-who`} name="delegateId" people={colleagues} empty={{ label: "Choose a colleague", disabled: true }} defaultValue="" data-testid="delegate-to" />
      </Field>
      <div />
      <DateRangeFields id={uid} range={range} fields={fields} testId="delegate" />
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
      <ReasonField id={`${uid}-reason`} fields={fields} hint="For example: on leave, covering as Acting Manager. Your colleague and the audit log see this." testId="delegate-reason" />
    </FormPanel>
  );
}

function List({ title, empty, rows, who, testId }: { title: string; empty: string; rows: DelegationView[]; who: "delegate" | "delegator" | "both"; testId: string }) {
  const columns = [who === "delegate" ? "To" : who === "delegator" ? "From" : "From → to", "Permissions", "Period", "Status"];
  return (
    <GrantList title={title} empty={empty} testId={`delegations-${testId}`} columns={columns} actions rows={rows}>
      {(r) => <Row key={r.id} r={r} who={who} />}
    </GrantList>
  );
}

function Row({ r, who }: { r: DelegationView; who: "delegate" | "delegator" | "both" }) {
  const end = useServerAction(endDelegationEarly, { refresh: true });
  const person = who === "delegate" ? r.delegate.name : who === "delegator" ? r.delegator.name : `${r.delegator.name} → ${r.delegate.name}`;
  return (
    <GrantRow testId={`delegation-${r.id}`}>
      <WhoCell name={person} detail={<>at {r.place.name} · “{r.reason}”</>} />
      <Cell>{r.permissions.join(", ")}</Cell>
      <Cell>
        <Period startsAt={r.startsAt} endsAt={r.endedAt ?? r.endsAt} />
      </Cell>
      <Cell>
        <StatusBadge styles={STATUS} value={r.status} />
      </Cell>
      <EndCell
        open={r.status === "active" || r.status === "scheduled"}
        label={who === "delegator" ? "Hand back" : "End now"}
        pending={end.pending}
        onEnd={() => void end.run({ delegationId: r.id })}
        testId="delegation-end"
        message={end.message}
      />
    </GrantRow>
  );
}
