"use client";

import { useId, useState } from "react";
import { endSupport, grantSupport } from "@/lib/access/actions";
import type { SupportAccessStatus } from "@/lib/access/support";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, fieldErrors, inputClass } from "@/components/ui/form";
import { PersonSelect } from "@/components/ui/select";
import { Cell, EndCell, FormPanel, GrantList, GrantRow, ReasonField, StatusBadge, WhoCell, when } from "./grant-kit";

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
      <FormPanel
        title="Give support access"
        error={save.message}
        notice={done}
        pending={save.pending}
        submit={{ label: "Give access", pendingLabel: "Giving access…", testId: "support-submit" }}
        onSubmit={(f) => {
          setDone(null);
          void save.run({
            tenantId,
            staffId: String(f.get("staffId") ?? ""),
            level: String(f.get("level") ?? "read_only") as "read_only" | "admin",
            endsAt: new Date(Date.now() + Number(f.get("hours") ?? 8) * 3_600_000).toISOString(),
            reason: String(f.get("reason") ?? ""),
          });
        }}
      >
        <Field id={`${uid}-staff`} label="Support person" error={fieldErrors(fields, "staffId")}>
          <PersonSelect id={`${uid}-staff`} name="staffId" people={staff} empty={{ label: "Choose a support person", disabled: true }} defaultValue="" data-testid="support-staff" />
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
        <ReasonField id={`${uid}-reason`} fields={fields} hint="For example, the support ticket number." testId="support-reason" />
      </FormPanel>
      <GrantList title="Support access to this organisation" empty="Support staff have no access to your organisation." testId="support-grants" columns={["Support person", "Access", "Until", "Status"]} actions rows={grants}>
        {(g) => <Grant key={g.staff.id} g={g} tenantId={tenantId} />}
      </GrantList>
    </div>
  );
}

function Grant({ g, tenantId }: { g: SupportGrantView; tenantId: string }) {
  const end = useServerAction(endSupport, { refresh: true });
  return (
    <GrantRow testId={`support-${g.staff.email}`}>
      <WhoCell
        name={g.staff.name}
        detail={
          <>
            {g.reason ?? ""}
            {g.grantedBy ? ` · given by ${g.grantedBy}` : ""}
          </>
        }
      />
      <Cell>{g.level === "read_only" ? "Read-only" : "Admin"}</Cell>
      <Cell>{when(g.endsAt)}</Cell>
      <Cell>
        <StatusBadge styles={STATUS} value={g.status} />
      </Cell>
      <EndCell open={g.status !== "ended"} label="End now" pending={end.pending} onEnd={() => void end.run({ tenantId, staffId: g.staff.id })} testId="support-end" message={end.message} />
    </GrantRow>
  );
}
