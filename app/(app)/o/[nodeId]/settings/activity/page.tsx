import type { Metadata } from "next";
import Link from "next/link";
import { ActivityTable } from "@/components/activity/activity-table";
import { VerifyChainButton } from "@/components/activity/verify-chain-button";
import { buttonClass, inputClass } from "@/components/ui/classes";
import { AppError } from "@/lib/api/errors";
import { activityFacets, activityListQuery, listActivity, OUTCOMES, totalLabel } from "@/lib/audit/activity";
import { can } from "@/lib/context/enterable";
import { placesUnder } from "@/lib/context/places";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Activity log" };

const FILTER_KEYS = ["actor", "action", "targetType", "targetId", "place", "outcome", "from", "to"] as const;

export default async function ActivityPage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.activity");
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, raw[k] ?? ""])) as Record<(typeof FILTER_KEYS)[number], string>;
  const db = await prisma();
  const place = { id: node.id, tenantId: node.tenantId };
  const parsed = activityListQuery.safeParse({ ...raw, nodeId: node.id });
  let errors: Record<string, string[]> = {};
  let result: Awaited<ReturnType<typeof listActivity>> = { rows: [], nextCursor: null, total: { count: 0, capped: false } };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) (errors[String(issue.path[0] ?? "_")] ??= []).push(issue.message);
  } else {
    try {
      result = await listActivity(db, place, parsed.data);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      errors = err.fields ?? { _: [err.message] };
    }
  }
  const facets = await activityFacets(db, place);
  const places = placesUnder(subject, node.id);
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const canExport = can(subject, "audit_log.export", node.id);
  const atRoot = can(subject, "audit_log.read", node.tenantId);
  const errorText = Object.entries(errors).map(([k, v]) => `${k === "_" ? "" : `${k}: `}${v.join(" ")}`);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 className="text-xl font-semibold">Activity log</h2>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            Every sign-in, change and access to patient records {node.id === node.tenantId ? `in ${node.name}` : `at ${node.name} and the places under it`}, newest first. Select an event to see who, from where, and what changed.
          </p>
        </div>
        {atRoot && <VerifyChainButton nodeId={node.id} />}
      </div>

      <form method="get" className="grid gap-3 rounded-md border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4" aria-label="Filter the activity log">
        <Select id="actor" label="Person" value={filters.actor} options={facets.people.map((p) => [p.id, `${p.name} (${p.email})`])} any="Anyone" error={errors.actor} />
        <Select
          id="action"
          label="Action type"
          value={filters.action}
          options={[...[...new Set(facets.actions.map((a) => a.split(".")[0] + "."))].map((f) => [f, `All ${f.slice(0, -1)} events`] as [string, string]), ...facets.actions.map((a) => [a, a] as [string, string])]}
          any="Any action"
          error={errors.action}
        />
        <Text id="targetType" label="Resource type" value={filters.targetType} hint="e.g. patient, user, role" error={errors.targetType} />
        <Text id="targetId" label="Resource id" value={filters.targetId} error={errors.targetId} />
        <Select id="place" label="Place" value={filters.place} options={places.map((p) => [p.id, `${"\u2003".repeat(p.depth)}${p.name}`])} any="Everywhere here" error={errors.place} />
        <Select id="outcome" label="Outcome" value={filters.outcome} options={OUTCOMES.map((o) => [o, o === "success" ? "Success" : "Failed"])} any="Any outcome" error={errors.outcome} />
        <Text id="from" label="From" type="date" value={filters.from} error={errors.from} />
        <Text id="to" label="To" type="date" value={filters.to} error={errors.to} />
        <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-4">
          <button type="submit" className={buttonClass.primary}>Apply filters</button>
          <Link href={`/o/${node.id}/settings/activity`} className={buttonClass.secondary}>Clear</Link>
          {canExport && (
            <>
              <a href={`/api/activity/${node.id}/export?${new URLSearchParams([...query, ["format", "csv"]])}`} className={buttonClass.secondary} download>Export CSV</a>
              <a href={`/api/activity/${node.id}/export?${new URLSearchParams([...query, ["format", "json"]])}`} className={buttonClass.secondary} download>Export JSON</a>
            </>
          )}
          <span className="ml-auto flex gap-4">
            {atRoot && <Link href={`/o/${node.id}/settings/activity/alerts`} className="text-sm font-medium text-brand-700 hover:underline">Alerts</Link>}
            <Link href={`/o/${node.id}/settings/activity/report`} className="text-sm font-medium text-brand-700 hover:underline">Compliance report</Link>
          </span>
        </div>
      </form>

      {errorText.length > 0 && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {errorText.map((t) => (
            <p key={t}>{t}</p>
          ))}
        </div>
      )}

      {errorText.length === 0 && <p className="text-sm text-slate-600" data-testid="activity-total">{totalLabel(result.total)} match these filters.</p>}

      <ActivityTable rows={result.rows} empty={errorText.length ? "Fix the filters to see events." : "No events match these filters."} />

      <nav aria-label="Pages" className="flex gap-3">
        {raw.cursor && <Link href={`/o/${node.id}/settings/activity?${query}`} className={buttonClass.secondary}>Newest</Link>}
        {result.nextCursor && (
          <Link href={`/o/${node.id}/settings/activity?${new URLSearchParams([...query, ["cursor", result.nextCursor]])}`} className={buttonClass.secondary}>
            Older events
          </Link>
        )}
      </nav>
    </div>
  );
}

function Text({ id, label, value, type = "text", hint, error }: { id: string; label: string; value: string; type?: string; hint?: string; error?: string[] }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <input id={id} name={id} type={type} defaultValue={value} className={inputClass} placeholder={hint} aria-invalid={error ? true : undefined} />
    </div>
  );
}

function Select({ id, label, value, options, any, error }: { id: string; label: string; value: string; options: [string, string][]; any: string; error?: string[] }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <select id={id} name={id} defaultValue={value} className={inputClass} aria-invalid={error ? true : undefined}>
        <option value="">{any}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
    </div>
  );
}
