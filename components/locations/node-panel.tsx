"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { nodeMembersAction } from "@/lib/orgs/actions";
import { queryKeys } from "@/components/client/query-keys";
import type { ActionError, ActionResult } from "@/components/client/result";
import { PlaceSelect } from "@/components/ui/select";
import type { NodeKind } from "@/lib/authz/tree";
import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";
import type { LocationNode } from "@/lib/orgs/manage";

/** The kinds of place each kind can hold. */
export type ChildKinds = Record<NodeKind, readonly NodeKind[]>;
/** Per node: may the signed-in person add inside it, rename/move it, archive it. */
export type NodePerms = Record<string, { create: boolean; edit: boolean; delete: boolean }>;

/** The part of useServerAction the panel uses. */
interface M<I, R = unknown> {
  run: (input: I) => Promise<ActionResult<R>>;
  pending: boolean;
  error: ActionError | null;
}

/** The selected place: its people, and what the signed-in person's role lets them do to it (rename, add inside, move, archive). */
export function NodePanel({
  node,
  nodes,
  isPlace,
  childKinds,
  perms,
  showMembers,
  rename,
  create,
  move,
  archive,
}: {
  node: LocationNode;
  nodes: LocationNode[];
  isPlace: boolean;
  childKinds: ChildKinds;
  perms: NodePerms;
  showMembers: boolean;
  rename: M<{ nodeId: string; name: string }, { id: string; name: string }>;
  create: M<{ parentId: string; kind: "REGION" | "PRACTICE" | "LOCATION"; name: string }, { id: string }>;
  move: M<{ nodeId: string; newParentId: string; label: string }, { id: string }>;
  archive: M<{ nodeId: string; parentId: string | null; name: string }, { id: string }>;
}) {
  const uid = useId();
  const p = perms[node.id] ?? { create: false, edit: false, delete: false };
  const kinds = childKinds[node.kind].filter((k): k is "REGION" | "PRACTICE" | "LOCATION" => k === "REGION" || k === "PRACTICE" || k === "LOCATION");
  const [name, setName] = useState(node.name);
  const [newKind, setNewKind] = useState(kinds[0] ?? "LOCATION");
  const [newName, setNewName] = useState("");
  const [target, setTarget] = useState("");
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  // The selected place's people, loaded when it is selected; role changes invalidate every member list.
  const people = useQuery({
    queryKey: queryKeys.nodeMembers(node.id),
    queryFn: async () => {
      const result = await nodeMembersAction({ nodeId: node.id });
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    enabled: showMembers,
  });
  const members = people.data ?? [];

  const subtree = useMemo(() => {
    const ids = new Set([node.id]);
    for (const n of nodes) if (n.parentId && ids.has(n.parentId)) ids.add(n.id);
    return ids;
  }, [node.id, nodes]);
  const targets = nodes.filter((t) => childKinds[t.kind].includes(node.kind) && t.id !== node.parentId && !subtree.has(t.id) && perms[t.id]?.edit);
  const openChildren = nodes.filter((n) => n.parentId === node.id).length;
  const blockers = [
    node.patients ? `${node.patients} ${node.patients === 1 ? "patient is" : "patients are"} registered here` : null,
    openChildren ? `${openChildren} open ${openChildren === 1 ? "place is" : "places are"} inside it` : null,
    showMembers && node.members ? `${node.members} ${node.members === 1 ? "person has" : "people have"} a role here` : null,
  ].filter(Boolean);

  const validName = (value: string, key: string) => {
    const v = value.trim();
    const msg = v.length < 2 ? "Use at least 2 characters." : v.length > 80 ? "Keep the name under 80 characters." : !/^[\p{L}\p{N}][\p{L}\p{N} .,'&()/#-]*$/u.test(v) ? "Use letters, numbers, spaces and . , ' & ( ) / # - only." : null;
    setLocalErrors((e) => ({ ...e, [key]: msg ?? "" }));
    return msg === null;
  };
  const errorOf = (key: string, m: { error: ActionError | null }, field = "name") => localErrors[key] || m.error?.fields?.[field]?.[0] || null;
  const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-[invalid=true]:border-red-600";
  const button = "rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";
  const FormError = ({ m }: { m: { error: ActionError | null } }) =>
    m.error && !m.error.fields ? (
      <p role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="location-error">
        {m.error.message}
      </p>
    ) : null;

  return (
    <section aria-labelledby={`${uid}-title`} className="min-w-0 space-y-5 rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="node-panel">
      <div>
        <p className="text-xs font-medium text-slate-600">{NODE_KIND_LABEL[node.kind]}</p>
        <h3 id={`${uid}-title`} className="text-lg font-semibold" data-testid="node-panel-name">
          {node.name}
        </h3>
        <p className="text-sm text-slate-600">
          {node.patients} {node.patients === 1 ? "patient" : "patients"}
          {showMembers && ` · ${node.members} ${node.members === 1 ? "person" : "people"} with a role here`}
        </p>
      </div>

      {showMembers && (
        <div>
          <h4 className="text-sm font-semibold text-slate-800">People and their roles here</h4>
          {people.isPending ? (
            <p className="mt-1 text-sm text-slate-600" role="status">
              Loading people…
            </p>
          ) : people.error ? (
            <p role="alert" className="mt-1 text-sm text-red-800">
              {people.error.message}
            </p>
          ) : members.length === 0 ? (
            <p className="mt-1 text-sm text-slate-600">Nobody has a role at exactly this place; people with a role above it reach it too.</p>
          ) : (
            <ul className="mt-2 divide-y divide-slate-100" data-testid="node-members">
              {members.map((m) => (
                <li key={m.userId} className="flex flex-wrap items-center justify-between gap-2 py-1.5 text-sm">
                  <span className="min-w-0">
                    <span className="font-medium">{m.name}</span> <span className="text-slate-600">{m.email}</span>
                  </span>
                  <span className="rounded-full bg-brand-50 px-2.5 py-0.5 text-xs font-medium text-brand-700 ring-1 ring-brand-100">{m.roleName}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {p.edit && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (validName(name, "rename")) void rename.run({ nodeId: node.id, name: name.trim() });
          }}
        >
          <label htmlFor={`${uid}-rename`} className="block text-sm font-medium text-slate-700">
            Name
          </label>
          <div className="flex flex-wrap gap-2">
            <input id={`${uid}-rename`} value={name} onChange={(e) => setName(e.target.value)} className={`${input} min-w-0 flex-1`} aria-invalid={Boolean(errorOf("rename", rename))} aria-describedby={errorOf("rename", rename) ? `${uid}-rename-error` : undefined} />
            <button type="submit" disabled={rename.pending || name.trim() === node.name} className={`${button} mt-1`} data-testid="rename-node">
              Rename
            </button>
          </div>
          {errorOf("rename", rename) && (
            <p id={`${uid}-rename-error`} className="mt-1 text-sm text-red-700">
              {errorOf("rename", rename)}
            </p>
          )}
          <FormError m={rename} />
        </form>
      )}

      {p.create && kinds.length > 0 && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (validName(newName, "create")) void create.run({ parentId: node.id, kind: newKind, name: newName.trim() }).then((r) => r.ok && setNewName(""));
          }}
          className="space-y-2"
          data-testid="add-node-form"
        >
          <h4 className="text-sm font-semibold text-slate-800">Add inside {node.name}</h4>
          <div className="grid gap-2 sm:grid-cols-[auto_minmax(0,1fr)_auto] sm:items-end">
            <div>
              <label htmlFor={`${uid}-kind`} className="block text-sm font-medium text-slate-700">
                Kind
              </label>
              <select id={`${uid}-kind`} value={newKind} onChange={(e) => setNewKind(e.target.value as typeof newKind)} className={input}>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {NODE_KIND_LABEL[k]}
                  </option>
                ))}
              </select>
            </div>
            <div className="min-w-0">
              <label htmlFor={`${uid}-new-name`} className="block text-sm font-medium text-slate-700">
                New {NODE_KIND_LABEL[newKind].toLowerCase()} name
              </label>
              <input id={`${uid}-new-name`} value={newName} onChange={(e) => setNewName(e.target.value)} className={input} aria-invalid={Boolean(errorOf("create", create))} aria-describedby={errorOf("create", create) ? `${uid}-create-error` : undefined} />
            </div>
            <button type="submit" disabled={create.pending} className={button} data-testid="add-node">
              {create.pending ? "Adding…" : "Add"}
            </button>
          </div>
          {errorOf("create", create) && (
            <p id={`${uid}-create-error`} className="text-sm text-red-700">
              {errorOf("create", create)}
            </p>
          )}
          <FormError m={create} />
        </form>
      )}

      {p.edit && !isPlace && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!target) return setLocalErrors((x) => ({ ...x, move: "Choose where to move it." }));
            setLocalErrors((x) => ({ ...x, move: "" }));
            const to = nodes.find((t) => t.id === target)!;
            void move.run({ nodeId: node.id, newParentId: target, label: `Moved ${node.name} to ${to.name}.` });
          }}
          className="space-y-2"
        >
          <h4 className="text-sm font-semibold text-slate-800">Move</h4>
          {targets.length === 0 ? (
            <p className="text-sm text-slate-600">There is no other place here that can hold a {NODE_KIND_LABEL[node.kind].toLowerCase()} and where you can edit locations.</p>
          ) : (
            <div className="flex flex-wrap items-end gap-2">
              <div className="min-w-0 flex-1">
                <label htmlFor={`${uid}-move`} className="block text-sm font-medium text-slate-700">
                  Move {node.name} (and everything inside it) to
                </label>
                <PlaceSelect
                  id={`${uid}-move`}
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                  className={input}
                  aria-invalid={Boolean(errorOf("move", move, "newParentId"))}
                  aria-describedby={errorOf("move", move, "newParentId") ? `${uid}-move-error` : undefined}
                  places={targets.map((t) => ({ id: t.id, name: `${t.name} (${NODE_KIND_LABEL[t.kind]})`, kind: t.kind, depth: 0 }))}
                  empty={{ label: "Choose a place…" }}
                />
              </div>
              <button type="submit" disabled={move.pending} className={button} data-testid="move-node">
                {move.pending ? "Moving…" : "Move"}
              </button>
            </div>
          )}
          {errorOf("move", move, "newParentId") && (
            <p id={`${uid}-move-error`} className="text-sm text-red-700">
              {errorOf("move", move, "newParentId")}
            </p>
          )}
          <FormError m={move} />
        </form>
      )}

      {p.delete && !isPlace && (
        <div className="space-y-2 rounded-lg border border-slate-200 p-3">
          <h4 className="text-sm font-semibold text-slate-800">Archive</h4>
          <p className="text-sm text-slate-600">
            An archived place disappears from the tree, lists and the place switcher, and nothing new can be added under it. A place can be archived once no patients are registered at it, every place
            inside it is archived, and nobody has a role at it.
          </p>
          {blockers.length > 0 ? (
            <p className="text-sm text-amber-900" data-testid="archive-blockers">
              Not yet: {blockers.join("; ")}.
            </p>
          ) : !confirmArchive ? (
            <button type="button" onClick={() => setConfirmArchive(true)} className="rounded-md border border-red-300 bg-white px-3 py-2 text-sm font-medium text-red-800 hover:bg-red-50" data-testid="archive-node">
              Archive {node.name}
            </button>
          ) : (
            <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Archive ${node.name}`}>
              <button type="button" disabled={archive.pending} onClick={() => void archive.run({ nodeId: node.id, parentId: node.parentId, name: node.name })} className="rounded-md bg-red-700 px-3 py-2 text-sm font-medium text-white hover:bg-red-800" data-testid="confirm-archive">
                {archive.pending ? "Archiving…" : `Yes, archive ${node.name}`}
              </button>
              <button type="button" onClick={() => setConfirmArchive(false)} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
                Cancel
              </button>
            </div>
          )}
          <FormError m={archive} />
        </div>
      )}

      {!p.edit && !p.create && !p.delete && <p className="text-sm text-slate-600">Your role lets you see this place but not change it.</p>}
    </section>
  );
}
