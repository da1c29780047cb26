"use client";

import { useEffect, useId, useMemo, useState } from "react";
import { assignLocationRolesAction } from "@/lib/orgs/actions";
import { queryKeys } from "@/components/client/query-keys";
import { useServerAction } from "@/components/client/use-server-action";
import { RoleAssignmentTable } from "@/components/members/role-assignment-table";
import type { RoleOption } from "@/components/ui/select";
import type { LocationNode } from "@/lib/orgs/manage";
import { datesProblem, endDayOf, endOfDayIso, startDayOf, startOfDayIso } from "@/lib/access/dates";

/** Someone who belongs to the place, with their role at each node. */
export interface Person {
  id: string;
  name: string;
  email: string;
  roles: { nodeId: string; roleId: string; startsAt?: string | null; expiresAt?: string | null }[];
}

/** Give one person a different role at each place (Manager at Seattle, Front Desk at Portland). */
export function AssignRoles({ placeId, nodes, people, roles, onDone }: { placeId: string; nodes: LocationNode[]; people: Person[]; roles: RoleOption[]; onDone: (message: string) => void }) {
  const uid = useId();
  const [userId, setUserId] = useState("");
  const person = people.find((p) => p.id === userId);
  const current = useMemo(() => new Map(person?.roles.map((r) => [r.nodeId, r.roleId]) ?? []), [person]);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [localError, setError] = useState<string | null>(null);
  // Temporary access (issue 11): From/Until days per place, inclusive.
  const currentDates = useMemo(() => new Map(person?.roles.map((r) => [r.nodeId, { from: startDayOf(r.startsAt), until: endDayOf(r.expiresAt) }]) ?? []), [person]);
  const [dateChoice, setDateChoice] = useState<Record<string, { from: string; until: string }>>({});
  useEffect(() => {
    setChoice({});
    setDateChoice({});
  }, [userId]);
  const roleOf = (nodeId: string) => (choice[nodeId] ?? current.get(nodeId) ?? "") || null;
  const datesOf = (nodeId: string) => dateChoice[nodeId] ?? currentDates.get(nodeId) ?? { from: "", until: "" };
  const datesChanged = (nodeId: string) => {
    const a = datesOf(nodeId);
    const b = currentDates.get(nodeId) ?? { from: "", until: "" };
    return a.from !== b.from || a.until !== b.until;
  };
  const changed = (nodeId: string) => (choice[nodeId] !== undefined && (choice[nodeId] || null) !== (current.get(nodeId) ?? null)) || (roleOf(nodeId) !== null && datesChanged(nodeId));
  const problemAt = (nodeId: string) => (roleOf(nodeId) && datesChanged(nodeId) ? datesProblem(datesOf(nodeId).from, datesOf(nodeId).until) : null);
  const changes = nodes
    .filter((n) => changed(n.id))
    .map((n) => {
      const roleId = roleOf(n.id);
      if (!roleId || !datesChanged(n.id)) return { nodeId: n.id, roleId };
      return { nodeId: n.id, roleId, startsAt: startOfDayIso(datesOf(n.id).from), expiresAt: endOfDayIso(datesOf(n.id).until) };
    });
  const save = useServerAction(() => assignLocationRolesAction({ placeId, userId, assignments: changes }), {
    refresh: true,
    invalidate: [queryKeys.members()],
    onSuccess: () => {
      onDone(`Saved ${person?.name}'s roles (${changes.length} ${changes.length === 1 ? "place" : "places"} changed).`);
      setChoice({});
      setDateChoice({});
    },
  });
  const error = localError ?? save.message;

  return (
    <section aria-labelledby={`${uid}-title`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="assign-roles">
      <h3 id={`${uid}-title`} className="text-lg font-semibold">
        Assign a person to locations
      </h3>
      <p className="mt-1 text-sm text-slate-600">A person can have a different role at each place, for example Manager at one practice and Front Desk at another. A role at a place also applies to everything inside it.</p>
      <form
        noValidate
        className="mt-4 space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          if (!userId) return setError("Choose a person.");
          if (changes.length === 0) return setError("Change at least one place's role first.");
          if (nodes.some((n) => problemAt(n.id))) return setError("Fix the dates marked below.");
          void save.run(undefined);
        }}
      >
        {error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="assign-error">
            {error}
          </p>
        )}
        <div className="max-w-md">
          <label htmlFor={`${uid}-person`} className="block text-sm font-medium text-slate-700">
            Person
          </label>
          <select id={`${uid}-person`} value={userId} onChange={(e) => setUserId(e.target.value)} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm" data-testid="assign-person">
            <option value="">Choose someone who belongs here…</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.email})
              </option>
            ))}
          </select>
        </div>
        {person && (
          <RoleAssignmentTable
            person={person.name}
            places={nodes}
            roles={() => roles}
            value={(nodeId) => choice[nodeId] ?? current.get(nodeId) ?? ""}
            onChange={(nodeId, roleId) => setChoice((c) => ({ ...c, [nodeId]: roleId }))}
            changed={changed}
            selectId={(nodeId) => `${uid}-${nodeId}`}
            selectTestId={(n) => `assign-role-${n.name}`}
            dates={{
              value: datesOf,
              onChange: (nodeId, field, day) => setDateChoice((c) => ({ ...c, [nodeId]: { ...datesOf(nodeId), [field]: day } })),
              problem: problemAt,
            }}
          />
        )}
        <button type="submit" disabled={save.pending || !person} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60" data-testid="assign-save">
          {save.pending ? "Saving…" : "Save roles"}
        </button>
      </form>
    </section>
  );
}
