"use client";

import { useId, useState } from "react";
import { answerAccessRequest, requestAccess } from "@/lib/access/actions";
import { datesProblem, endOfDayIso, startOfDayIso } from "@/lib/access/dates";
import type { AccessRequestView } from "@/lib/access/requests";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { PlaceSelect, RoleSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";

const STATUS: Record<string, { label: string; className: string }> = {
  PENDING: { label: "Waiting", className: "bg-amber-100 text-amber-900" },
  APPROVED: { label: "Approved", className: "bg-emerald-100 text-emerald-900" },
  DENIED: { label: "Denied", className: "bg-red-100 text-red-900" },
  EXPIRED: { label: "Expired (unanswered)", className: "bg-slate-200 text-slate-800" },
};
const when = (iso: string) => new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
const today = () => new Date().toLocaleDateString("en-CA");

export function AccessRequests({ nodeId, places, roles, mine, toAnswer }: { nodeId: string; places: PlaceOption[]; roles: RoleOption[]; mine: AccessRequestView[]; toAnswer: AccessRequestView[] }) {
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Access requests</h1>
        <p className="mt-1 text-sm text-slate-600">
          Ask for a role at a place for a period, with a reason. The place&apos;s Manager answers; a role above the Manager&apos;s own level also needs an Owner or Admin. The role ends by itself at the end of the period, and unanswered
          requests expire after 3 days.
        </p>
      </header>
      {toAnswer.length > 0 && <ToAnswer requests={toAnswer} />}
      <RequestForm nodeId={nodeId} places={places} roles={roles} />
      <Mine requests={mine} />
    </div>
  );
}

function RequestForm({ places, roles }: { nodeId: string; places: PlaceOption[]; roles: RoleOption[] }) {
  const uid = useId();
  const [from, setFrom] = useState(today());
  const [until, setUntil] = useState("");
  const [local, setLocal] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const save = useServerAction(requestAccess, { refresh: true, onSuccess: () => setDone("Request sent. The approvers have been emailed.") });
  const fields = save.fields;
  return (
    <section aria-labelledby={`${uid}-t`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={`${uid}-t`} className="text-lg font-semibold">
        Ask for access
      </h2>
      <form
        noValidate
        className="mt-3 grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(null);
          const f = new FormData(e.currentTarget);
          if (!until) return setLocal("Choose the last day you need it.");
          const problem = datesProblem(from, until);
          if (problem) return setLocal(problem);
          setLocal(null);
          void save.run({
            nodeId: String(f.get("nodeId") ?? ""),
            roleId: String(f.get("roleId") ?? ""),
            // From today: from now; from a later day: from its start.
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
        <Field id={`${uid}-place`} label="Place" error={fieldErrors(fields, "nodeId")}>
          <PlaceSelect id={`${uid}-place`} name="nodeId" places={places} empty={{ label: "Choose a place", disabled: true }} defaultValue="" data-testid="request-place" />
        </Field>
        <Field id={`${uid}-role`} label="Role" error={fieldErrors(fields, "roleId")}>
          <RoleSelect id={`${uid}-role`} name="roleId" roles={roles} empty={{ label: "Choose a role", disabled: true }} defaultValue="" data-testid="request-role" />
        </Field>
        <Field id={`${uid}-from`} label="From" error={fieldErrors(fields, "startsAt")}>
          <input id={`${uid}-from`} type="date" className={inputClass} value={from} min={today()} onChange={(e) => setFrom(e.target.value)} data-testid="request-from" />
        </Field>
        <Field id={`${uid}-until`} label="Until (last day)" error={fieldErrors(fields, "endsAt")}>
          <input id={`${uid}-until`} type="date" className={inputClass} value={until} min={from || today()} onChange={(e) => setUntil(e.target.value)} data-testid="request-until" />
        </Field>
        <div className="sm:col-span-2">
          <Field id={`${uid}-reason`} label="Reason" error={fieldErrors(fields, "reason")} hint="What you need it for: the approvers see this.">
            <textarea id={`${uid}-reason`} name="reason" rows={2} className={inputClass} data-testid="request-reason" />
          </Field>
        </div>
        <div className="sm:col-span-2">
          <button type="submit" className={buttonClass.primary} disabled={save.pending} data-testid="request-submit">
            {save.pending ? "Sending…" : "Send request"}
          </button>
        </div>
      </form>
    </section>
  );
}

function ToAnswer({ requests }: { requests: AccessRequestView[] }) {
  return (
    <section aria-labelledby="to-answer" className="rounded-xl border border-amber-300 bg-amber-50 p-5 shadow-sm">
      <h2 id="to-answer" className="text-lg font-semibold">
        Waiting for your answer ({requests.length})
      </h2>
      <ul className="mt-3 space-y-3">
        {requests.map((r) => (
          <Answer key={r.id} r={r} />
        ))}
      </ul>
    </section>
  );
}

function Answer({ r }: { r: AccessRequestView }) {
  const uid = useId();
  const [note, setNote] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const answer = useServerAction(answerAccessRequest, {
    refresh: true,
    onSuccess: (d) => setDone(d.status === "PENDING" ? "Approved: it now waits for an Owner or Admin." : d.status === "APPROVED" ? "Approved." : d.status === "DENIED" ? "Denied." : "It had expired."),
  });
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`answer-${r.requester.email}`}>
      <p className="font-medium">
        {r.requester.name} asks to be <strong>{r.roleName}</strong> at <strong>{r.nodeName}</strong>
      </p>
      <p className="text-sm text-slate-600">
        {when(r.startsAt)} – {when(r.endsAt)} · answer by {when(r.answerBy)}
        {r.step === 2 && " · first step approved, needs an Owner or Admin"}
      </p>
      <p className="mt-1 text-sm">“{r.reason}”</p>
      <FormError message={answer.message} />
      <Notice message={done} />
      <div className="mt-2 flex flex-wrap items-end gap-2">
        <div className="min-w-64 flex-1">
          <label htmlFor={`${uid}-note`} className="block text-sm font-medium text-slate-700">
            Note (required to deny)
          </label>
          <input id={`${uid}-note`} className={inputClass} value={note} onChange={(e) => setNote(e.target.value)} data-testid="answer-note" />
        </div>
        <button type="button" className={buttonClass.primary} disabled={answer.pending || Boolean(done)} onClick={() => void answer.run({ requestId: r.id, decision: "approve", note })} data-testid="answer-approve">
          Approve
        </button>
        <button type="button" className={buttonClass.dangerOutline} disabled={answer.pending || Boolean(done)} onClick={() => void answer.run({ requestId: r.id, decision: "deny", note })} data-testid="answer-deny">
          Deny
        </button>
      </div>
    </li>
  );
}

function Mine({ requests }: { requests: AccessRequestView[] }) {
  return (
    <section aria-labelledby="mine" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="mine" className="text-lg font-semibold">
        Your requests
      </h2>
      {requests.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">You haven&apos;t asked for access here yet.</p>
      ) : (
        <table className="mt-3 w-full text-sm" data-testid="my-requests">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <th scope="col" className="py-2 pr-3">Role and place</th>
              <th scope="col" className="py-2 pr-3">Period</th>
              <th scope="col" className="py-2 pr-3">Status</th>
              <th scope="col" className="py-2">Note</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} className="border-b border-slate-100">
                <td className="py-2 pr-3">
                  {r.roleName} at {r.nodeName}
                </td>
                <td className="py-2 pr-3">
                  {when(r.startsAt)} – {when(r.endsAt)}
                </td>
                <td className="py-2 pr-3">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[r.status]?.className ?? ""}`}>{r.status === "PENDING" && r.step === 2 ? "Waiting for Owner/Admin" : (STATUS[r.status]?.label ?? r.status)}</span>
                </td>
                <td className="py-2 text-slate-700">{r.decisionNote ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
