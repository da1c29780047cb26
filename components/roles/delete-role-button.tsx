"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { deleteRoleAction } from "@/lib/roles/actions";
import { useServerAction } from "@/components/client/use-server-action";

/** Delete a custom role, after a confirmation; explains up front when it can't be deleted yet. */
export function DeleteRoleButton({ placeId, roleId, roleName, blockedBy }: { placeId: string; roleId: string; roleName: string; blockedBy: { people: number; children: string[] } }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const mutation = useServerAction(() => deleteRoleAction({ placeId, roleId }), {
    onSuccess: () => {
      router.push(`/o/${placeId}/settings/roles?deleted=${encodeURIComponent(roleName)}`);
      router.refresh();
    },
  });
  const blockers = [
    blockedBy.people ? `${blockedBy.people} ${blockedBy.people === 1 ? "person holds" : "people hold"} it` : null,
    blockedBy.children.length ? `${blockedBy.children.join(", ")} ${blockedBy.children.length === 1 ? "inherits" : "inherit"} from it` : null,
  ].filter(Boolean);
  return (
    <div className="flex flex-col items-end gap-2">
      {!confirming ? (
        <button type="button" onClick={() => setConfirming(true)} className="rounded-md border border-red-300 bg-white px-3 py-2 text-sm font-medium text-red-800 hover:bg-red-50" data-testid="delete-role">
          Delete role
        </button>
      ) : (
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Delete ${roleName}`}>
          <span className="text-sm text-slate-700">Delete “{roleName}”?</span>
          <button type="button" disabled={mutation.pending} onClick={() => void mutation.run(undefined)} className="rounded-md bg-red-700 px-3 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-70" data-testid="confirm-delete-role">
            {mutation.pending ? "Deleting…" : "Yes, delete"}
          </button>
          <button type="button" onClick={() => (setConfirming(false), mutation.reset())} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
            Cancel
          </button>
        </div>
      )}
      {blockers.length > 0 && <p className="max-w-xs text-right text-xs text-slate-600">Can't be deleted while {blockers.join(" and ")}.</p>}
      {mutation.message && (
        <p role="alert" className="max-w-sm rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="delete-role-error">
          {mutation.message}
        </p>
      )}
    </div>
  );
}
