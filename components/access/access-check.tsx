"use client";

import { useState } from "react";
import { explainAccess } from "@/lib/members/access-check-actions";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { PersonSelect, PlaceSelect, type PlaceOption } from "@/components/ui/select";

type Result = Extract<Awaited<ReturnType<typeof explainAccess>>, { ok: true }>["data"];

/** Pick a person and a record or action; see the policy's answer, its reason and the one fix. */
export function AccessCheck({
  nodeId,
  people,
  patients,
  places,
  permissions,
}: {
  nodeId: string;
  people: { id: string; name: string; email: string }[];
  patients: { id: string; label: string }[];
  places: PlaceOption[];
  permissions: { id: string; group: string; label: string }[];
}) {
  const [kind, setKind] = useState<"patient" | "place">(patients.length ? "patient" : "place");
  const [result, setResult] = useState<Result | null>(null);
  const explain = useServerAction(explainAccess);
  const { fields, pending } = explain;
  const error = explain.error && !explain.error.fields ? explain.error.message : null;
  const groups = [...new Set(permissions.map((p) => p.group))];
  const relevant = kind === "patient" ? permissions.filter((p) => p.id.startsWith("patients.")) : permissions;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <section aria-labelledby="check-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="check-heading" className="text-lg font-semibold">
          Why can&apos;t they see it?
        </h2>
        <p className="mt-1 text-sm text-slate-600">Choose a person and what they tried to do. The answer comes from the same policy that decides every request.</p>
        <form
          className="mt-4 space-y-4"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const res = await explain.run({
              nodeId,
              userId: String(f.get("userId") ?? ""),
              permission: String(f.get("permission") ?? ""),
              target: kind === "patient" ? { kind, patientId: String(f.get("patientId") ?? "") } : { kind, nodeId: String(f.get("targetNode") ?? "") },
            });
            setResult(res.ok ? res.data : null);
          }}
        >
          <FormError message={error} />
          <Field id="check-person" label="Person" error={fieldErrors(fields, "userId")}>
            <PersonSelect id="check-person" name="userId" defaultValue="" people={people} empty={{ label: "Choose a person", disabled: true }} />
          </Field>
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">What were they trying to reach?</legend>
            <div className="mt-2 flex gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="kind" checked={kind === "patient"} onChange={() => setKind("patient")} disabled={!patients.length} /> A patient&apos;s record
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="kind" checked={kind === "place"} onChange={() => setKind("place")} /> Something at a location
              </label>
            </div>
          </fieldset>
          {kind === "patient" ? (
            <Field id="check-patient" label="Patient" error={fieldErrors(fields, "patientId")}>
              <select id="check-patient" name="patientId" defaultValue="" className={inputClass}>
                <option value="" disabled>
                  Choose a patient
                </option>
                {patients.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field id="check-node" label="Location" error={fieldErrors(fields, "nodeId")}>
              <PlaceSelect id="check-node" name="targetNode" defaultValue={nodeId} places={places} />
            </Field>
          )}
          <Field id="check-permission" label="Action" error={fieldErrors(fields, "permission")}>
            <select id="check-permission" name="permission" defaultValue="" className={inputClass}>
              <option value="" disabled>
                Choose an action
              </option>
              {groups.map((g) => (
                <optgroup key={g} label={g}>
                  {relevant
                    .filter((p) => p.group === g)
                    .map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.label}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </Field>
          <button type="submit" className={buttonClass.primary} disabled={pending}>
            {pending ? "Checking…" : "Explain"}
          </button>
        </form>
      </section>
      <section aria-labelledby="answer-heading" aria-live="polite" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="answer-heading" className="text-lg font-semibold">
          Answer
        </h2>
        {!result ? (
          <p className="mt-2 text-sm text-slate-600">The policy&apos;s explanation appears here.</p>
        ) : (
          <div className="mt-3 space-y-3" data-testid="access-answer">
            <p className={`inline-flex rounded-full px-3 py-1 text-sm font-semibold ring-1 ${result.explanation.allowed ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-red-50 text-red-800 ring-red-200"}`}>
              {result.explanation.allowed ? "Allowed" : "Not allowed"}
            </p>
            <p className="text-sm text-slate-700">
              <span className="font-medium">{result.person.name}</span> · {result.action} · {result.target}
            </p>
            <p className="text-sm" data-testid="access-reason">
              {result.explanation.reason}
            </p>
            {result.explanation.fix && (
              <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="access-fix">
                <span className="font-medium">To allow it: </span>
                {result.explanation.fix}
              </p>
            )}
            {result.note && <p className="text-sm text-slate-600">{result.note}</p>}
            <div className="border-t border-slate-200 pt-3">
              <h3 className="text-sm font-semibold">Features they see here</h3>
              <ul className="mt-2 space-y-2" data-testid="access-features">
                {result.features.map((f) => (
                  <li key={f.flag} className="text-sm" data-testid={`feature-${f.flag}`}>
                    <span className={`mr-2 inline-flex rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${f.visible ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-slate-100 text-slate-700 ring-slate-300"}`}>
                      {f.visible ? "Shown" : "Hidden"}
                    </span>
                    <span className="font-medium">{f.label}:</span> {f.reason}
                    {f.fix && <span className="text-slate-600"> {f.fix}</span>}
                  </li>
                ))}
              </ul>
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
