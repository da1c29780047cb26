"use client";

import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import { declareEmergencyAccess, reviewEmergencyAccess, saveAccessSettings } from "@/lib/access/actions";
import type { EmergencyView } from "@/lib/access/emergency";
import type { AccessPolicy } from "@/lib/access/settings";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, Notice, fieldErrors, inputClass } from "@/components/ui/form";
import { Cell, DecisionCard, FormPanel, GrantList, GrantRow, Period, ReasonField, StatusBadge, WaitingPanel, type StatusStyles } from "./grant-kit";
import { PlaceSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";

const REVIEW: StatusStyles = {
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
    <FormPanel
      title="Declare an emergency"
      tone="danger"
      intro={<p className="mt-1 text-sm text-slate-600">Access starts now and ends by itself after {minutes} minutes. Use it only when a patient&apos;s care can&apos;t wait.</p>}
      error={declare.message}
      pending={declare.pending}
      submit={{ label: "Declare emergency and open", pendingLabel: "Opening…", testId: "emergency-declare", variant: "danger" }}
      onSubmit={(f) => {
        const reason = String(f.get("reason") ?? "");
        void declare.run(target === "patient" ? { patientId: String(f.get("patientId") ?? "").trim() || undefined, reason } : { nodeId: String(f.get("nodeId") ?? "") || undefined, reason });
      }}
    >
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
      <ReasonField id={`${uid}-reason`} fields={fields} hint="What the emergency is: Owners and Admins read this when they review it." testId="emergency-reason" />
    </FormPanel>
  );
}

function Pending({ items, onReviewed }: { items: EmergencyView[]; onReviewed: (message: string) => void }) {
  return (
    <WaitingPanel id="emergency-pending" title="Waiting for your review" count={items.length}>
      {items.map((e) => (
        <Review key={e.id} e={e} onReviewed={onReviewed} />
      ))}
    </WaitingPanel>
  );
}

function Review({ e, onReviewed }: { e: EmergencyView; onReviewed: (message: string) => void }) {
  const [note, setNote] = useState("");
  const review = useServerAction(reviewEmergencyAccess, {
    refresh: true,
    onSuccess: (d) => onReviewed(`${e.holder.name}'s emergency access recorded as ${d.outcome === "justified" ? "justified" : "not justified"}${d.endedByReview ? "; the access has ended" : ""}.`),
  });
  return (
    <DecisionCard
      testId={`review-${e.holder.email}`}
      heading={
        <>
          {e.holder.name} opened <strong>{what(e)}</strong>
          {e.live && <span className="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900">in force now</span>}
        </>
      }
      meta={<Period startsAt={e.startsAt} endsAt={e.endsAt} />}
      reason={e.reason}
      message={review.message}
      note={{ label: "Review note", value: note, onChange: setNote, testId: "review-note", error: review.fields?.note }}
      disabled={review.pending}
      yes={{ label: "Justified", testId: "review-justified", onClick: () => void review.run({ emergencyId: e.id, outcome: "justified", note }) }}
      no={{ label: "Not justified", testId: "review-not-justified", onClick: () => void review.run({ emergencyId: e.id, outcome: "not_justified", note }) }}
    />
  );
}

function History({ title, items, empty, testId }: { title: string; items: EmergencyView[]; empty: string; testId: string }) {
  return (
    <GrantList title={title} empty={empty} testId={testId} columns={["Who and what", "When", "Reason", "Review"]} rows={items}>
      {(e) => (
        <GrantRow key={e.id}>
          <Cell>
            {e.holder.name}: {what(e)}
          </Cell>
          <Cell>
            <Period startsAt={e.startsAt} endsAt={e.endsAt} />
            {e.live && <span className="ml-1 text-red-800">(in force)</span>}
          </Cell>
          <Cell>{e.reason}</Cell>
          <Cell last>
            <StatusBadge styles={REVIEW} value={e.reviewStatus} />
            {e.reviewedBy && (
              <span className="mt-1 block text-slate-700">
                {e.reviewedBy}: {e.reviewNote}
              </span>
            )}
          </Cell>
        </GrantRow>
      )}
    </GrantList>
  );
}

function Settings({ tenantId, policy, roles }: { tenantId: string; policy: AccessPolicy; roles: RoleOption[] }) {
  const uid = useId();
  const [done, setDone] = useState<string | null>(null);
  const [inactivity, setInactivity] = useState(policy.inactivityDays !== null);
  const save = useServerAction(saveAccessSettings, { refresh: true, onSuccess: () => setDone("Saved.") });
  const fields = save.fields;
  return (
    <FormPanel
      title="Settings (Owners)"
      error={save.message}
      notice={done}
      pending={save.pending}
      submit={{ label: "Save settings", pendingLabel: "Saving…", testId: "settings-save" }}
      onSubmit={(f) => {
        setDone(null);
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
    </FormPanel>
  );
}
