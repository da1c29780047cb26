"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import {
  archiveLocationAction,
  assignLocationRolesAction,
  createLocationAction,
  moveLocationAction,
  nodeMembersAction,
  renameLocationAction,
} from "@/lib/orgs/actions";
import { queryKeys } from "@/components/client/query-keys";
import type { ActionError, ActionResult } from "@/components/client/result";
import { useServerAction } from "@/components/client/use-server-action";
import type { NodeKind } from "@/lib/authz/tree";
import { NODE_KIND_LABEL } from "@/lib/orgs/kinds";

export interface TreeMember {
  userId: string;
  name: string;
  email: string;
  roleId: string;
  roleName: string;
  expiresAt: string | null;
}
export interface TreeNodeView {
  id: string;
  parentId: string | null;
  kind: NodeKind;
  name: string;
  depth: number;
  patients: number;
  /** People with a role at exactly this node; the list itself is loaded when the node is selected. */
  members: number;
}
export interface Person {
  id: string;
  name: string;
  email: string;
  roles: { nodeId: string; roleId: string }[];
}
export interface LocationsManagerProps {
  placeId: string;
  nodes: TreeNodeView[];
  archived: number;
  childKinds: Record<NodeKind, readonly NodeKind[]>;
  perms: Record<string, { create: boolean; edit: boolean; delete: boolean }>;
  showMembers: boolean;
  assign: { people: Person[]; roles: { id: string; name: string }[] } | null;
}

const KIND = NODE_KIND_LABEL;

/**
 * Settings > Locations: the org tree under the place as nested lists (arrow keys move between
 * places, Left/Right collapse and expand), the selected place's people and roles, and what the
 * signed-in person's role lets them do to it: add, rename, move, archive.
 */
export function LocationsManager(props: LocationsManagerProps) {
  const [nodes, setNodes] = useState(props.nodes);
  useEffect(() => setNodes(props.nodes), [props.nodes]);
  const [selectedId, setSelectedId] = useState(props.placeId);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<string | null>(null);
  const selected = nodes.find((n) => n.id === selectedId) ?? nodes[0];
  const children = useMemo(() => {
    const map = new Map<string | null, TreeNodeView[]>();
    for (const n of nodes) map.set(n.parentId, [...(map.get(n.parentId) ?? []), n]);
    return map;
  }, [nodes]);

  const treeRef = useRef<HTMLUListElement>(null);
  function onTreeKey(e: React.KeyboardEvent) {
    const items = [...(treeRef.current?.querySelectorAll<HTMLButtonElement>("[data-tree-item]") ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const id = items[i].dataset.nodeId!;
    if (e.key === "ArrowDown" && i < items.length - 1) items[i + 1].focus();
    else if (e.key === "ArrowUp" && i > 0) items[i - 1].focus();
    else if (e.key === "Home") items[0].focus();
    else if (e.key === "End") items[items.length - 1].focus();
    else if (e.key === "ArrowRight") setCollapsed((c) => new Set([...c].filter((x) => x !== id)));
    else if (e.key === "ArrowLeft") setCollapsed((c) => new Set([...c, id]));
    else return;
    e.preventDefault();
  }

  const renderNode = (n: TreeNodeView): React.ReactNode => {
    const kids = children.get(n.id) ?? [];
    const open = !collapsed.has(n.id);
    return (
      <li key={n.id} data-testid="tree-node" data-name={n.name}>
        <div className="flex items-center gap-1">
          {kids.length > 0 ? (
            <button
              type="button"
              aria-expanded={open}
              aria-controls={`children-${n.id}`}
              onClick={() => setCollapsed((c) => (open ? new Set([...c, n.id]) : new Set([...c].filter((x) => x !== n.id))))}
              className="flex h-6 w-6 shrink-0 items-center justify-center rounded text-slate-600 hover:bg-slate-100"
            >
              <svg aria-hidden="true" viewBox="0 0 20 20" className={`h-4 w-4 fill-current transition-transform ${open ? "rotate-90" : ""}`}>
                <path d="M7 5l6 5-6 5z" />
              </svg>
              <span className="sr-only">
                {open ? "Collapse" : "Expand"} {n.name}
              </span>
            </button>
          ) : (
            <span className="w-6 shrink-0" aria-hidden="true" />
          )}
          <button
            type="button"
            data-tree-item
            data-node-id={n.id}
            aria-current={n.id === selected?.id ? "true" : undefined}
            onClick={() => setSelectedId(n.id)}
            className="flex min-w-0 flex-1 items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100 aria-[current=true]:bg-brand-50 aria-[current=true]:ring-1 aria-[current=true]:ring-brand-100"
          >
            <span className="min-w-0 truncate font-medium text-slate-800">{n.name}</span>
            <span className="shrink-0 text-xs text-slate-600">{KIND[n.kind]}</span>
          </button>
        </div>
        {kids.length > 0 && open && (
          <ul id={`children-${n.id}`} className="ml-3 border-l border-slate-200 pl-2" aria-label={`Inside ${n.name}`}>
            {kids.map(renderNode)}
          </ul>
        )}
      </li>
    );
  };

  // The tree comes from the server page, so each change refreshes it; member lists show place names.
  const after = { refresh: true, invalidate: [queryKeys.members()] };
  const rename = useServerAction(renameLocationAction, {
    ...after,
    optimistic: (input) => {
      // The tree shows the new name at once, and goes back if the server refuses.
      const previous = nodes;
      setNodes((ns) => ns.map((n) => (n.id === input.nodeId ? { ...n, name: input.name } : n)));
      setStatus(null);
      return () => setNodes(previous);
    },
    onSuccess: (data) => setStatus(`Renamed to ${data.name}.`),
  });
  const create = useServerAction(createLocationAction, {
    ...after,
    onSuccess: (data, input) => {
      setStatus(`Added ${input.name}.`);
      setSelectedId(data.id);
    },
  });
  const move = useServerAction((input: { nodeId: string; newParentId: string; label: string }) => moveLocationAction({ nodeId: input.nodeId, newParentId: input.newParentId }), {
    ...after,
    onSuccess: (_d, input) => setStatus(input.label),
  });
  const archive = useServerAction((input: { nodeId: string; parentId: string | null; name: string }) => archiveLocationAction({ nodeId: input.nodeId }), {
    ...after,
    onSuccess: (_d, input) => {
      setStatus(`Archived ${input.name}. It no longer appears in lists or the place switcher.`);
      setSelectedId(input.parentId ?? props.placeId);
    },
  });

  return (
    <div className="space-y-6">
      <p role="status" aria-live="polite" className={status ? "rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" : "sr-only"} data-testid="locations-status">
        {status}
      </p>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <section aria-labelledby="tree-heading" className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <h3 id="tree-heading" className="mb-1 text-sm font-semibold uppercase tracking-wide text-slate-600">
            Organisation tree
          </h3>
          <p className="mb-3 text-xs text-slate-600">Choose a place to see its people and what you can change. Arrow keys move between places.</p>
          {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions */}
          <ul ref={treeRef} onKeyDown={onTreeKey} aria-label="Places" data-testid="location-tree">
            {(children.get(null) ?? []).map(renderNode)}
          </ul>
          {props.archived > 0 && (
            <p className="mt-3 text-xs text-slate-600" data-testid="archived-count">
              {props.archived} archived {props.archived === 1 ? "place is" : "places are"} hidden.
            </p>
          )}
        </section>
        {selected && (
          <NodePanel
            key={selected.id}
            node={selected}
            nodes={nodes}
            isPlace={selected.id === props.placeId}
            childKinds={props.childKinds}
            perms={props.perms}
            showMembers={props.showMembers}
            rename={rename}
            create={create}
            move={move}
            archive={archive}
          />
        )}
      </div>
      {props.assign && <AssignRoles placeId={props.placeId} nodes={nodes} people={props.assign.people} roles={props.assign.roles} onDone={setStatus} />}
    </div>
  );
}

/** The part of useServerAction the panel uses. */
interface M<I, R = unknown> {
  run: (input: I) => Promise<ActionResult<R>>;
  pending: boolean;
  error: ActionError | null;
}

function NodePanel({
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
  node: TreeNodeView;
  nodes: TreeNodeView[];
  isPlace: boolean;
  childKinds: LocationsManagerProps["childKinds"];
  perms: LocationsManagerProps["perms"];
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
        <p className="text-xs font-medium text-slate-600">{KIND[node.kind]}</p>
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
                    {KIND[k]}
                  </option>
                ))}
              </select>
            </div>
            <div className="min-w-0">
              <label htmlFor={`${uid}-new-name`} className="block text-sm font-medium text-slate-700">
                New {KIND[newKind].toLowerCase()} name
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
            <p className="text-sm text-slate-600">There is no other place here that can hold a {KIND[node.kind].toLowerCase()} and where you can edit locations.</p>
          ) : (
            <div className="flex flex-wrap items-end gap-2">
              <div className="min-w-0 flex-1">
                <label htmlFor={`${uid}-move`} className="block text-sm font-medium text-slate-700">
                  Move {node.name} (and everything inside it) to
                </label>
                <select id={`${uid}-move`} value={target} onChange={(e) => setTarget(e.target.value)} className={input} aria-invalid={Boolean(errorOf("move", move, "newParentId"))} aria-describedby={errorOf("move", move, "newParentId") ? `${uid}-move-error` : undefined}>
                  <option value="">Choose a place…</option>
                  {targets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name} ({KIND[t.kind]})
                    </option>
                  ))}
                </select>
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

/** Give one person a different role at each place (Manager at Seattle, Front Desk at Portland). */
function AssignRoles({ placeId, nodes, people, roles, onDone }: { placeId: string; nodes: TreeNodeView[]; people: Person[]; roles: { id: string; name: string }[]; onDone: (message: string) => void }) {
  const uid = useId();
  const [userId, setUserId] = useState("");
  const person = people.find((p) => p.id === userId);
  const current = useMemo(() => new Map(person?.roles.map((r) => [r.nodeId, r.roleId]) ?? []), [person]);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [localError, setError] = useState<string | null>(null);
  useEffect(() => setChoice({}), [userId]);
  const changes = nodes
    .filter((n) => choice[n.id] !== undefined && (choice[n.id] || null) !== (current.get(n.id) ?? null))
    .map((n) => ({ nodeId: n.id, roleId: choice[n.id] || null }));
  const save = useServerAction(() => assignLocationRolesAction({ placeId, userId, assignments: changes }), {
    refresh: true,
    invalidate: [queryKeys.members()],
    onSuccess: () => {
      onDone(`Saved ${person?.name}'s roles (${changes.length} ${changes.length === 1 ? "place" : "places"} changed).`);
      setChoice({});
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
          <table className="w-full text-sm">
            <caption className="sr-only">Role of {person.name} at each place</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <th scope="col" className="py-2 pr-3">
                  Place
                </th>
                <th scope="col" className="py-2">
                  Role there
                </th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => {
                const value = choice[n.id] ?? current.get(n.id) ?? "";
                const changed = choice[n.id] !== undefined && (choice[n.id] || null) !== (current.get(n.id) ?? null);
                return (
                  <tr key={n.id} className={`border-b border-slate-100 ${changed ? "bg-amber-50" : ""}`}>
                    <th scope="row" className="py-1.5 pr-3 text-left font-normal" style={{ paddingLeft: `${n.depth * 1}rem` }}>
                      <span className="font-medium">{n.name}</span> <span className="text-xs text-slate-600">{KIND[n.kind]}</span>
                    </th>
                    <td className="py-1.5">
                      <label htmlFor={`${uid}-${n.id}`} className="sr-only">
                        Role of {person.name} at {n.name}
                      </label>
                      <select id={`${uid}-${n.id}`} value={value} onChange={(e) => setChoice((c) => ({ ...c, [n.id]: e.target.value }))} className="w-full max-w-xs rounded-md border border-slate-300 px-2 py-1 text-sm" data-testid={`assign-role-${n.name}`}>
                        <option value="">No role here</option>
                        {roles.map((r) => (
                          <option key={r.id} value={r.id}>
                            {r.name}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <button type="submit" disabled={save.pending || !person} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60" data-testid="assign-save">
          {save.pending ? "Saving…" : "Save roles"}
        </button>
      </form>
    </section>
  );
}
