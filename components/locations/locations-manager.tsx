"use client";

import { useEffect, useState } from "react";
import { archiveLocationAction, createLocationAction, moveLocationAction, renameLocationAction } from "@/lib/orgs/actions";
import { queryKeys } from "@/components/client/query-keys";
import { useServerAction } from "@/components/client/use-server-action";
import type { RoleOption } from "@/components/ui/select";
import type { LocationNode } from "@/lib/orgs/manage";
import { AssignRoles, type Person } from "./assign-roles";
import { NodePanel, type ChildKinds, type NodePerms } from "./node-panel";
import { LocationTree } from "./tree";

export interface LocationsManagerProps {
  placeId: string;
  nodes: LocationNode[];
  archived: number;
  childKinds: ChildKinds;
  perms: NodePerms;
  showMembers: boolean;
  assign: { people: Person[]; roles: RoleOption[] } | null;
}

/**
 * Settings > Locations: the org tree under the place (tree.tsx), the selected place's people and
 * what the signed-in person's role lets them do to it (node-panel.tsx: add, rename, move,
 * archive), and giving one person a role at each place (assign-roles.tsx). The tree and the
 * mutations that change it live here, so each panel sees the same nodes.
 */
export function LocationsManager(props: LocationsManagerProps) {
  const [nodes, setNodes] = useState(props.nodes);
  useEffect(() => setNodes(props.nodes), [props.nodes]);
  const [selectedId, setSelectedId] = useState(props.placeId);
  const [status, setStatus] = useState<string | null>(null);
  const selected = nodes.find((n) => n.id === selectedId) ?? nodes[0];

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
        <LocationTree nodes={nodes} selectedId={selected?.id} onSelect={setSelectedId} archived={props.archived} />
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
