"use client";

import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import { declareEmergencyAccess, reviewEmergencyAccess, saveAccessSettings } from "@/lib/access/actions";
import type { EmergencyView } from "@/lib/access/emergency";
import type { AccessPolicy } from "@/lib/access/settings";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { PlaceSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";

const when = (iso: string) => new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
const REVIEW: Record<string, { label: string; className: string }> = {
  PENDING: { label: "Review pending", className: "bg-amber-100 text-amber-900" },
  JUSTIFIED: { label: "Justified", className: "bg-emerald-100 text-emerald-900" },
  NOT_JUSTIFIED: { label: "Not justified", className: "bg-red-100 text-red-900" },
};
const what = (e: EmergencyView) => (e.patient ? `${e.patient.name} at ${e.nodeName}` : e.nodeName);

export function EmergencyAccess(props: {
  tenantId: string;
  policy: AccessPolicy;
  canDeclare: boolean;
  isOwner: boolean;
  places: PlaceOption[];
  roles: RoleOption[];
  mine: EmergencyView[];
  pending: EmergencyView[];
  reviewed: EmergencyView[];
}) {
  // Outside the list: a reviewed item leaves "Waiting for your review" when the page refreshes.
  const [reviewed, setReviewed] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Emergency access</h1>
        <p className="mt-1 text-sm text-slate-600">
          In an emergency, a provider can open a patient or a place they can&apos;t normally see, at once, for {props.policy.breakGlassMinutes} minutes. Owners and Admins are alerted, every record opened is recorded, and another
          Owner or Admin reviews it afterwards.
        </p>
      </header>
      <Notice message={reviewed} />
      {props.pending.length > 0 && <Pending items={props.pending} onReviewed={setReviewed} />}
      {props.canDeclare ? (
        <Declare places={props.places} minutes={props.policy.breakGlassMinutes} />
      ) : (
        <p className="rounded-xl border border-slate-200 bg-white p-5 text-sm text-slate-700 shadow-sm" data-testid="emergency-not-allowed">
          {props.policy.breakGlassEnabled ? "Your role here can't use emergency access." : "Emergency access is turned off in this organisation."}
        </p>
      )}
      <History title="Your emergency access" items={props.mine} empty="You haven't used emergency access here." testId="emergency-mine" />
      {props.reviewed.length > 0 && <History title="Reviewed" items={props.reviewed} empty="" testId="emergency-reviewed" />}
      {props.isOwner && <Settings tenantId={props.tenantId} policy={props.policy} roles={props.roles} />}
    </div>
  );
}

function Declare({ places, minutes }: { places: PlaceOption[]; minutes: number }) {
  const uid = useId();
  const router = useRouter();
  const [target, setTarget] = useState<"patient" | "place">("patient");
  const declare = useServerAction(declareEmergencyAccess, {
    refresh: true,
    onSuccess: (d) => router.push(d.patientId ? `/o/${d.nodeId}/patients/${d.patientId}` : `/o/${d.nodeId}/patients`),
  });
  const fields = declare.fields;
  return (
    <section aria-labelledby={`${uid}-t`} className="rounded-xl border border-red-200 bg-white p-5 shadow-sm">
      <h2 id={`${uid}-t`} className="text-lg font-semibold">
        Declare an emergency
      </h2>
      <p className="mt-1 text-sm text-slate-600">Access starts now and ends by itself after {minutes} minutes. Use it only when a patient&apos;s care can&apos;t wait.</p>
      <form
        noValidate
        className="mt-3 grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const reason = String(f.get("reason") ?? "");
          void declare.run(target === "patient" ? { patientId: String(f.get("patientId") ?? "").trim() || undefined, reason } : { nodeId: String(f.get("nodeId") ?? "") || undefined, reason });
        }}
      >
        <div className="sm:col-span-2">
          <FormError message={declare.message} />
        </div>
        <fieldset className="sm:col-span-2">
          <legend className="text-sm font-medium text-slate-700">What do you need?</legend>
          <div className="mt-1 flex gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="target" checked={target === "patient"} onChange={() => setTarget("patient")} data-testid="emergency-target-patient" /> One patient
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="target" checked={target === "place"} onChange={() => setTarget("place")} data-testid="emergency-target-place" /> A whole place
            </label>
          </div>
        </fieldset>
        {target === "patient" ? (
          <Field id={`${uid}-patient`} label="Patient record ID" error={fieldErrors(fields, "patientId")} hint="As on the chart, referral or wristband.">
            <input id={`${uid}-patient`} name="patientId" className={inputClass} autoComplete="off" data-testid="emergency-patient" />
          </Field>
        ) : (
          <Field id={`${uid}-place`} label="Place" error={fieldErrors(fields, "nodeId")}>
            <PlaceSelect id={`${uid}-place`} name="nodeId" places={places} empty={{ label: "Choose a place", disabled: true }} defaultValue="" data-testid="emergency-place" />
          </Field>
        )}
        <div className="sm:col-span-2">
          <Field id={`${uid}-reason`} label="Reason" error={fieldErrors(fields, "reason")} hint="What the emergency is: Owners and Admins read this when they review it.">
            <textarea id={`${uid}-reason`} name="reason" rows={2} className={inputClass} data-testid="emergency-reason" />
          </Field>
        </div>
        <div className="sm:col-span-2">
          <button type="submit" className={buttonClass.danger} disabled={declare.pending} data-testid="emergency-declare">
            {declare.pending ? "Opening…" : "Declare emergency and open"}
          </button>
        </div>
      </form>
    </section>
  );
}

function Pending({ items, onReviewed }: { items: EmergencyView[]; onReviewed: (message: string) => void }) {
  return (
    <section aria-labelledby="emergency-pending" className="rounded-xl border border-amber-300 bg-amber-50 p-5 shadow-sm">
      <h2 id="emergency-pending" className="text-lg font-semibold">
        Waiting for your review ({items.length})
      </h2>
      <ul className="mt-3 space-y-3">
        {items.map((e) => (
          <Review key={e.id} e={e} onReviewed={onReviewed} />
        ))}
      </ul>
    </section>
  );
}

function Review({ e, onReviewed }: { e: EmergencyView; onReviewed: (message: string) => void }) {
  const uid = useId();
  const [note, setNote] = useState("");
  const review = useServerAction(reviewEmergencyAccess, {
    refresh: true,
    onSuccess: (d) => onReviewed(`${e.holder.name}'s emergency access recorded as ${d.outcome === "justified" ? "justified" : "not justified"}${d.endedByReview ? "; the access has ended" : ""}.`),
  });
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-testid={`review-${e.holder.email}`}>
      <p className="font-medium">
        {e.holder.name} opened <strong>{what(e)}</strong>
        {e.live && <span className="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900">in force now</span>}
      </p>
      <p className="text-sm text-slate-600">
        {when(e.startsAt)} – {when(e.endsAt)}
      </p>
      <p className="mt-1 text-sm">“{e.reason}”</p>
      <FormError message={review.message} />
      <div className="mt-2 flex flex-wrap items-end gap-2">
        <div className="min-w-64 flex-1">
          <label htmlFor={`${uid}-note`} className="block text-sm font-medium text-slate-700">
            Review note
          </label>
          <input id={`${uid}-note`} className={inputClass} value={note} onChange={(ev) => setNote(ev.target.value)} data-testid="review-note" aria-invalid={review.fields?.note ? true : undefined} />
          {review.fields?.note && <p className="mt-1 text-sm text-red-700">{review.fields.note[0]}</p>}
        </div>
        <button type="button" className={buttonClass.primary} disabled={review.pending} onClick={() => void review.run({ emergencyId: e.id, outcome: "justified", note })} data-testid="review-justified">
          Justified
        </button>
        <button type="button" className={buttonClass.dangerOutline} disabled={review.pending} onClick={() => void review.run({ emergencyId: e.id, outcome: "not_justified", note })} data-testid="review-not-justified">
          Not justified
        </button>
      </div>
    </li>
  );
}

function History({ title, items, empty, testId }: { title: string; items: EmergencyView[]; empty: string; testId: string }) {
  const uid = useId();
  return (
    <section aria-labelledby={uid} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={uid} className="text-lg font-semibold">
        {title}
      </h2>
      {items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{empty}</p>
      ) : (
        <table className="mt-3 w-full text-sm" data-testid={testId}>
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <th scope="col" className="py-2 pr-3">Who and what</th>
              <th scope="col" className="py-2 pr-3">When</th>
              <th scope="col" className="py-2 pr-3">Reason</th>
              <th scope="col" className="py-2">Review</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} className="border-b border-slate-100 align-top">
                <td className="py-2 pr-3">
                  {e.holder.name}: {what(e)}
                </td>
                <td className="py-2 pr-3">
                  {when(e.startsAt)} – {when(e.endsAt)}
                  {e.live && <span className="ml-1 text-red-800">(in force)</span>}
                </td>
                <td className="py-2 pr-3">{e.reason}</td>
                <td className="py-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${REVIEW[e.reviewStatus]?.className ?? ""}`}>{REVIEW[e.reviewStatus]?.label ?? e.reviewStatus}</span>
                  {e.reviewedBy && (
                    <span className="mt-1 block text-slate-700">
                      {e.reviewedBy}: {e.reviewNote}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Settings({ tenantId, policy, roles }: { tenantId: string; policy: AccessPolicy; roles: RoleOption[] }) {
  const uid = useId();
  const [done, setDone] = useState<string | null>(null);
  const [inactivity, setInactivity] = useState(policy.inactivityDays !== null);
  const save = useServerAction(saveAccessSettings, { refresh: true, onSuccess: () => setDone("Saved.") });
  const fields = save.fields;
  return (
    <section aria-labelledby={`${uid}-t`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={`${uid}-t`} className="text-lg font-semibold">
        Settings (Owners)
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
            breakGlassEnabled: f.get("enabled") === "on",
            breakGlassMinutes: Number(f.get("minutes")),
            breakGlassRoleIds: f.getAll("roles").map(String),
            inactivityDays: inactivity ? Number(f.get("inactivityDays")) : null,
            inactivityWarnDays: Number(f.get("inactivityWarnDays") ?? policy.inactivityWarnDays),
          });
        }}
      >
        <div className="sm:col-span-2">
          <FormError message={save.message} />
          <Notice message={done} />
        </div>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" name="enabled" defaultChecked={policy.breakGlassEnabled} data-testid="settings-enabled" /> Emergency access is on
        </label>
        <Field id={`${uid}-minutes`} label="Window (minutes)" error={fieldErrors(fields, "breakGlassMinutes")}>
          <input id={`${uid}-minutes`} name="minutes" type="number" min={5} max={1440} defaultValue={policy.breakGlassMinutes} className={inputClass} data-testid="settings-minutes" />
        </Field>
        <fieldset className="sm:col-span-2">
          <legend className="text-sm font-medium text-slate-700">Roles that may use it</legend>
          <div className="mt-1 grid gap-1 text-sm sm:grid-cols-3">
            {roles.map((r) => (
              <label key={r.id} className="flex items-center gap-2">
                <input type="checkbox" name="roles" value={r.id} defaultChecked={policy.breakGlassRoleIds.includes(r.id)} /> {r.name}
                {r.custom && " (custom)"}
              </label>
            ))}
          </div>
          {fieldErrors(fields, "breakGlassRoleIds") && <p className="mt-1 text-sm text-red-700">{fieldErrors(fields, "breakGlassRoleIds")![0]}</p>}
        </fieldset>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" checked={inactivity} onChange={(e) => setInactivity(e.target.checked)} data-testid="settings-inactivity" /> Suspend memberships nobody has used for a while
        </label>
        {inactivity && (
          <>
            <Field id={`${uid}-days`} label="Suspend after (days unused)" error={fieldErrors(fields, "inactivityDays")}>
              <input id={`${uid}-days`} name="inactivityDays" type="number" min={7} max={730} defaultValue={policy.inactivityDays ?? 90} className={inputClass} data-testid="settings-inactivity-days" />
            </Field>
            <Field id={`${uid}-warn`} label="Warn by email (days before)" error={fieldErrors(fields, "inactivityWarnDays")}>
              <input id={`${uid}-warn`} name="inactivityWarnDays" type="number" min={1} max={60} defaultValue={policy.inactivityWarnDays} className={inputClass} data-testid="settings-inactivity-warn" />
            </Field>
          </>
        )}
        <div className="sm:col-span-2">
          <button type="submit" className={buttonClass.primary} disabled={save.pending} data-testid="settings-save">
            {save.pending ? "Saving…" : "Save settings"}
          </button>
        </div>
      </form>
    </section>
  );
}
