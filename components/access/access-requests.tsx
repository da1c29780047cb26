"use client";

import { useId, useState } from "react";
import { answerAccessRequest, requestAccess } from "@/lib/access/actions";
import type { AccessRequestView } from "@/lib/access/requests";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, fieldErrors } from "@/components/ui/form";
import { Cell, DateRangeFields, DecisionCard, FormPanel, GrantList, GrantRow, Period, ReasonField, StatusBadge, WaitingPanel, when, useDateRange, type StatusStyles } from "./grant-kit";
import { PlaceSelect, RoleSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";

const STATUS: StatusStyles = {
  PENDING: { label: "Waiting", className: "bg-amber-100 text-amber-900" },
  APPROVED: { label: "Approved", className: "bg-emerald-100 text-emerald-900" },
  DENIED: { label: "Denied", className: "bg-red-100 text-red-900" },
  EXPIRED: { label: "Expired (unanswered)", className: "bg-slate-200 text-slate-800" },
};

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
  const range = useDateRange();
  const [local, setLocal] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const save = useServerAction(requestAccess, { refresh: true, onSuccess: () => setDone("Request sent. The approvers have been emailed.") });
  const fields = save.fields;
  return (
    <FormPanel
      title="Ask for access"
      error={local ?? save.message}
      notice={done}
      pending={save.pending}
      submit={{ label: "Send request", pendingLabel: "Sending…", testId: "request-submit" }}
      onSubmit={(f) => {
        setDone(null);
        const problem = range.problem("Choose the last day you need it.");
        if (problem) return setLocal(problem);
        setLocal(null);
        void save.run({ nodeId: String(f.get("nodeId") ?? ""), roleId: String(f.get("roleId") ?? ""), ...range.period(), reason: String(f.get("reason") ?? "") });
      }}
    >
      <Field id={`${uid}-place`} label="Place" error={fieldErrors(fields, "nodeId")}>
        <PlaceSelect id={`${uid}-place`} name="nodeId" places={places} empty={{ label: "Choose a place", disabled: true }} defaultValue="" data-testid="request-place" />
      </Field>
      <Field id={`${uid}-role`} label="Role" error={fieldErrors(fields, "roleId")}>
        <RoleSelect id={`${uid}-role`} name="roleId" roles={roles} empty={{ label: "Choose a role", disabled: true }} defaultValue="" data-testid="request-role" />
      </Field>
      <DateRangeFields id={uid} range={range} fields={fields} testId="request" />
      <ReasonField id={`${uid}-reason`} fields={fields} hint="What you need it for: the approvers see this." testId="request-reason" />
    </FormPanel>
  );
}

function ToAnswer({ requests }: { requests: AccessRequestView[] }) {
  return (
    <WaitingPanel id="to-answer" title="Waiting for your answer" count={requests.length}>
      {requests.map((r) => (
        <Answer key={r.id} r={r} />
      ))}
    </WaitingPanel>
  );
}

function Answer({ r }: { r: AccessRequestView }) {
  const [note, setNote] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const answer = useServerAction(answerAccessRequest, {
    refresh: true,
    onSuccess: (d) => setDone(d.status === "PENDING" ? "Approved: it now waits for an Owner or Admin." : d.status === "APPROVED" ? "Approved." : d.status === "DENIED" ? "Denied." : "It had expired."),
  });
  return (
    <DecisionCard
      testId={`answer-${r.requester.email}`}
      heading={
        <>
          {r.requester.name} asks to be <strong>{r.roleName}</strong> at <strong>{r.nodeName}</strong>
        </>
      }
      meta={
        <>
          <Period startsAt={r.startsAt} endsAt={r.endsAt} /> · answer by {when(r.answerBy)}
          {r.step === 2 && " · first step approved, needs an Owner or Admin"}
        </>
      }
      reason={r.reason}
      message={answer.message}
      notice={done}
      note={{ label: "Note (required to deny)", value: note, onChange: setNote, testId: "answer-note" }}
      disabled={answer.pending || Boolean(done)}
      yes={{ label: "Approve", testId: "answer-approve", onClick: () => void answer.run({ requestId: r.id, decision: "approve", note }) }}
      no={{ label: "Deny", testId: "answer-deny", onClick: () => void answer.run({ requestId: r.id, decision: "deny", note }) }}
    />
  );
}

function Mine({ requests }: { requests: AccessRequestView[] }) {
  return (
    <GrantList title="Your requests" id="mine" empty="You haven't asked for access here yet." testId="my-requests" columns={["Role and place", "Period", "Status", "Note"]} rows={requests}>
      {(r) => (
        <GrantRow key={r.id}>
          <Cell>
            {r.roleName} at {r.nodeName}
          </Cell>
          <Cell>
            <Period startsAt={r.startsAt} endsAt={r.endsAt} />
          </Cell>
          <Cell>
            <StatusBadge styles={STATUS} value={r.status} label={r.status === "PENDING" && r.step === 2 ? "Waiting for Owner/Admin" : undefined} />
          </Cell>
          <Cell last className="text-slate-700">
            {r.decisionNote ?? "—"}
          </Cell>
        </GrantRow>
      )}
    </GrantList>
  );
}
