"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { setStatus } from "@/lib/members/actions";
import { queryKeys, type MemberFilters } from "@/components/client/query-keys";
import { getJson } from "@/components/client/result";
import { useServerAction } from "@/components/client/use-server-action";
import type { MemberRow } from "@/lib/members/directory";
import { countLabel } from "@/lib/db/capped-count";
import { buttonClass, inputClass } from "@/components/ui/form";
import { PlaceSelect, RoleSelect, type PlaceOption, type RoleOption } from "@/components/ui/select";
import { AddPersonDialog } from "./add-person-dialog";

export interface UsersCapabilities {
  create: boolean;
  disable: boolean;
}

/** `totalCapped`: more than `total` match (a big place counts to 10,000 and says "10,000+"). */
type Page = { total: number; totalCapped?: boolean; page: number; pageSize: number; rows: MemberRow[] };
type Filters = MemberFilters;
const FILTER_KEYS = ["q", "role", "location", "status"] as const;

/** The list's filters live in the URL (?q=&role=&location=&status=&page=), so a reload or a shared link keeps them. */
function filtersFrom(search: URLSearchParams): Filters {
  const page = Math.floor(Number(search.get("page")));
  return { q: search.get("q")?.trim() ?? "", role: search.get("role") ?? "", location: search.get("location") ?? "", status: search.get("status") ?? "", page: page >= 1 ? page : 1 };
}

const STATUS_LABEL: Record<string, { text: string; className: string }> = {
  ACTIVE: { text: "Active", className: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  INVITED: { text: "Invited", className: "bg-sky-50 text-sky-800 ring-sky-200" },
  SUSPENDED: { text: "Suspended", className: "bg-slate-100 text-slate-700 ring-slate-300" },
  DISABLED: { text: "Disabled", className: "bg-slate-100 text-slate-700 ring-slate-300" },
  LOCKED: { text: "Locked", className: "bg-amber-50 text-amber-900 ring-amber-200" },
};

/** A managed account is disabled everywhere; anyone else is suspended here only (README, Security). */
const isOff = (row: MemberRow) => row.status === "DISABLED" || row.status === "SUSPENDED";
const nextStatus = (row: MemberRow): MemberRow["status"] => (isOff(row) ? "ACTIVE" : row.managed ? "DISABLED" : "SUSPENDED");
const toggleLabel = (row: MemberRow) => (row.managed && row.status !== "SUSPENDED" ? (isOff(row) ? "Enable" : "Disable") : isOff(row) ? "Unsuspend" : "Suspend");

function fetchMembers(nodeId: string, f: Filters): Promise<Page> {
  const params = new URLSearchParams({ page: String(f.page), pageSize: "25" });
  for (const k of FILTER_KEYS) if (f[k]) params.set(k, f[k]);
  return getJson<Page>(`/api/profiles/${nodeId}/members?${params}`);
}

export function UsersPanel({ nodeId, places, roles, can, label }: { nodeId: string; places: PlaceOption[]; roles: RoleOption[]; can: UsersCapabilities; label: string }) {
  const search = useSearchParams();
  const pathname = usePathname();
  const filters = filtersFrom(search);
  const [typed, setTyped] = useState(filters.q);
  const [dialog, setDialog] = useState<"invite" | "add" | null>(search.get("invite") ? "invite" : null);
  const [notice, setNotice] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const key = queryKeys.memberList(nodeId, filters);

  /**
   * Changes filters in the URL without a reload or a history entry; any change but paging goes back
   * to page 1. history.replaceState is synced into useSearchParams by Next without refetching the
   * server page (router.replace would fetch it again on every keystroke).
   */
  const set = (patch: Partial<Filters>) => {
    const params = new URLSearchParams(search.toString());
    for (const k of FILTER_KEYS) if (k in patch) (patch[k] ? params.set(k, patch[k]) : params.delete(k));
    const page = patch.page ?? 1;
    if (page > 1) params.set("page", String(page));
    else params.delete("page");
    const qs = params.toString();
    window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
  };

  useEffect(() => {
    const t = setTimeout(() => typed.trim() !== filters.q && set({ q: typed.trim() }), 250);
    return () => clearTimeout(t);
    // Reruns when the URL changes too, so `set` builds on the current filters.
  }, [typed, search]);

  useEffect(() => {
    if (!success) return;
    const t = setTimeout(() => setSuccess(null), 6000);
    return () => clearTimeout(t);
  }, [success]);

  // staleTime 0: coming back to the list (after a delete on the person's page) shows the cache, then fresh rows.
  const query = useQuery({ queryKey: key, queryFn: () => fetchMembers(nodeId, filters), placeholderData: keepPreviousData, staleTime: 0 });

  // Disable / enable from the list: shown at once, rolled back if the server refuses.
  const toggle = useServerAction((row: MemberRow) => setStatus({ nodeId, userId: row.id, status: isOff(row) ? "ACTIVE" : "DISABLED" }), {
    invalidate: [queryKeys.membersAt(nodeId)],
    optimistic: (row) => {
      const previous = queryClient.getQueryData<Page>(key);
      queryClient.setQueryData<Page>(key, (p) => p && { ...p, rows: p.rows.map((r) => (r.id === row.id ? { ...r, status: nextStatus(r) } : r)) });
      setNotice(null);
      return () => previous && queryClient.setQueryData(key, previous);
    },
  });
  const toggleRow = async (row: MemberRow) => {
    const result = await toggle.run(row);
    if (!result.ok) setNotice(result.error.message);
  };
  const data = query.data;
  const from = data && data.total ? (data.page - 1) * data.pageSize + 1 : 0;
  const capped = { total: data?.total ?? 0, totalCapped: Boolean(data?.totalCapped) };
  // Past a capped total the page's own rows say where it ends, and whether there is a next one.
  const to = data ? (capped.totalCapped ? from + data.rows.length - 1 : Math.min(data.page * data.pageSize, data.total)) : 0;
  const hasNext = data ? (capped.totalCapped ? data.rows.length === data.pageSize : to < data.total) : false;
  const totalText = `${capped.total.toLocaleString("en-US")}${capped.totalCapped ? "+" : ""}`;
  const filtering = Boolean(filters.q || filters.role || filters.location || filters.status);

  return (
    <section aria-labelledby="users-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="users-heading" className="text-lg font-semibold">
            {label}
          </h2>
          <p className="text-sm text-slate-600" aria-live="polite">
            {data ? `${countLabel(capped, "person", "people")}${filtering ? " match" : ""}` : "Loading…"}
          </p>
        </div>
        {can.create && (
          <div className="flex gap-2">
            <button type="button" className={buttonClass.secondary} onClick={() => setDialog("add")}>
              Add User
            </button>
            <button type="button" className={buttonClass.primary} onClick={() => setDialog("invite")}>
              Send Invite
            </button>
          </div>
        )}
      </div>

      {notice && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {notice}
        </p>
      )}

      <div className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="user-search" className="block text-xs font-medium text-slate-600">
            Search
          </label>
          <input id="user-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="Name or email" className={inputClass} />
        </div>
        <div>
          <label htmlFor="filter-role" className="block text-xs font-medium text-slate-600">
            Role
          </label>
          <RoleSelect id="filter-role" value={filters.role} onChange={(e) => set({ role: e.target.value })} roles={roles} empty={{ label: "Any role" }} />
        </div>
        <div>
          <label htmlFor="filter-location" className="block text-xs font-medium text-slate-600">
            Location
          </label>
          <PlaceSelect id="filter-location" value={filters.location} onChange={(e) => set({ location: e.target.value })} places={places} empty={{ label: "Everywhere here" }} />
        </div>
        <div>
          <label htmlFor="filter-status" className="block text-xs font-medium text-slate-600">
            Status
          </label>
          <select id="filter-status" value={filters.status} onChange={(e) => set({ status: e.target.value })} className={inputClass}>
            <option value="">Any status</option>
            <option value="ACTIVE">Active</option>
            <option value="INVITED">Invited</option>
            <option value="SUSPENDED">Suspended</option>
            <option value="DISABLED">Disabled</option>
            <option value="LOCKED">Locked</option>
          </select>
        </div>
      </div>

      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        {query.isError ? (
          <div className="p-8 text-center">
            <p className="text-sm text-red-800">{query.error.message}</p>
            <button type="button" className={`${buttonClass.secondary} mt-3`} onClick={() => query.refetch()}>
              Try again
            </button>
          </div>
        ) : !data ? (
          <ul aria-label="Loading people" className="divide-y divide-slate-100">
            {Array.from({ length: 6 }, (_, i) => (
              <li key={i} className="flex animate-pulse gap-4 px-4 py-4">
                <div className="h-4 w-40 rounded bg-slate-200" />
                <div className="h-4 w-64 rounded bg-slate-100" />
              </li>
            ))}
          </ul>
        ) : data.rows.length === 0 ? (
          <div className="p-10 text-center">
            <p className="font-medium">{filtering ? "No one matches these filters." : "No one has a role here yet."}</p>
            <p className="mt-1 text-sm text-slate-600">{filtering ? "Try another name, role or location." : can.create ? "Send an invite to add the first person." : ""}</p>
          </div>
        ) : (
          <table className="w-full text-left text-sm" data-testid="users-table">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-3 font-semibold">
                  Person
                </th>
                <th scope="col" className="hidden px-4 py-3 font-semibold md:table-cell">
                  Roles here
                </th>
                <th scope="col" className="px-4 py-3 font-semibold">
                  Status
                </th>
                <th scope="col" className="px-4 py-3 text-right font-semibold">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className={`divide-y divide-slate-100 ${query.isFetching ? "opacity-70" : ""}`}>
              {data.rows.map((row) => {
                const status = STATUS_LABEL[row.locked ? "LOCKED" : row.status];
                return (
                  <tr key={row.id} data-testid="user-row">
                    <td className="px-4 py-3">
                      <Link href={`/o/${nodeId}/settings/users/${row.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                        {row.name}
                      </Link>
                      <p className="text-xs text-slate-600">{row.email}</p>
                      <p className="mt-1 text-xs text-slate-600 md:hidden">{row.roles.map((r) => `${r.nodeName} · ${r.roleName}`).join(", ")}</p>
                    </td>
                    <td className="hidden px-4 py-3 md:table-cell">
                      <ul className="flex flex-wrap gap-1.5">
                        {row.roles.map((r) => (
                          <li key={r.bindingId} className="rounded-md bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                            {r.nodeName} · <span className="font-medium">{r.roleName}</span>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="px-4 py-3">
                      <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${status.className}`}>{status.text}</span>
                    </td>
                    <td className="px-4 py-3 text-right">
                      <div className="flex justify-end gap-2">
                        {can.disable && row.status !== "INVITED" && (
                          <button type="button" className="rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100" onClick={() => void toggleRow(row)} disabled={toggle.pending}>
                            {toggleLabel(row)}
                            <span className="sr-only"> {row.name}</span>
                          </button>
                        )}
                        <Link href={`/o/${nodeId}/settings/users/${row.id}`} className="rounded px-2 py-1 text-xs font-medium text-brand-700 hover:bg-brand-50">
                          Manage<span className="sr-only"> {row.name}</span>
                        </Link>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {data && data.total > data.pageSize && (
          <nav aria-label="Pages" className="flex items-center justify-between border-t border-slate-100 px-4 py-3 text-sm">
            <p className="text-slate-600">
              Showing {from.toLocaleString("en-US")}–{to.toLocaleString("en-US")} of {totalText}
            </p>
            <div className="flex gap-2">
              <button type="button" className={buttonClass.secondary} disabled={data.page <= 1} onClick={() => set({ page: data.page - 1 })}>
                Previous
              </button>
              <button type="button" className={buttonClass.secondary} disabled={!hasNext} onClick={() => set({ page: data.page + 1 })}>
                Next
              </button>
            </div>
          </nav>
        )}
      </div>

      <AddPersonDialog
        mode={dialog}
        onClose={() => setDialog(null)}
        nodeId={nodeId}
        places={places}
        roles={roles}
        onDone={(message) => {
          setDialog(null);
          setNotice(null);
          setSuccess(message);
        }}
      />
      {success && (
        <p role="status" className="fixed bottom-4 right-4 z-40 rounded-md bg-slate-900 px-4 py-2 text-sm text-white shadow-lg">
          {success}
        </p>
      )}
    </section>
  );
}
