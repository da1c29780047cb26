import { describeChange, type ActivityRow } from "@/lib/audit/activity";

const when = (iso: string) => iso.replace("T", " ").slice(0, 19) + " UTC";

/** Audit rows; each expands (a native disclosure) to who/where/how and a readable before/after. */
export function ActivityTable({ rows, empty }: { rows: ActivityRow[]; empty: string }) {
  if (rows.length === 0) return <p className="rounded-md border border-dashed border-slate-300 p-6 text-sm text-slate-600">{empty}</p>;
  return (
    <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white" aria-label="Events">
      {rows.map((r) => (
        <li key={r.id}>
          <details className="group">
            <summary className="grid cursor-pointer grid-cols-1 gap-1 px-4 py-3 text-sm hover:bg-slate-50 sm:grid-cols-[11rem_1fr_12rem_6rem] sm:gap-3">
              <span className="text-slate-600 tabular-nums">{when(r.at)}</span>
              <span>
                <span className="font-medium text-slate-900">{r.action}</span>
                {r.targetType && (
                  <span className="text-slate-600">
                    {" "}
                    on {r.targetType}
                    {r.targetId ? ` ${r.targetId.length > 40 ? `${r.targetId.slice(0, 40)}…` : r.targetId}` : ""}
                  </span>
                )}
              </span>
              <span className="truncate text-slate-700">{r.actor ? r.actor.name : <span className="text-slate-500">System / anonymous</span>}</span>
              <span className={r.outcome === "failure" ? "font-medium text-red-700" : "text-emerald-800"}>{r.outcome === "failure" ? "Failed" : "Success"}</span>
            </summary>
            <div className="grid gap-4 border-t border-slate-100 bg-slate-50 px-4 py-3 text-sm md:grid-cols-2">
              <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
                <dt className="text-slate-600">Event</dt>
                <dd className="tabular-nums">#{r.id}</dd>
                <dt className="text-slate-600">Who</dt>
                <dd>{r.actor ? `${r.actor.name}${r.actor.email ? ` <${r.actor.email}>` : ""}` : "—"}</dd>
                <dt className="text-slate-600">Place</dt>
                <dd>{r.place?.name ?? "Whole organisation"}</dd>
                <dt className="text-slate-600">IP address</dt>
                <dd>{r.ip ?? "—"}</dd>
                <dt className="text-slate-600">Browser</dt>
                <dd className="break-all">{r.userAgent ?? "—"}</dd>
                <dt className="text-slate-600">Signed in via</dt>
                <dd>
                  {r.via ?? "—"}
                  {r.sessionId ? ` (session ${r.sessionId.slice(0, 12)}…)` : ""}
                  {r.credentialId ? ` (key ${r.credentialId})` : ""}
                </dd>
                {r.onBehalfOf && (
                  <>
                    <dt className="text-slate-600">On behalf of</dt>
                    <dd>{r.onBehalfOf}</dd>
                  </>
                )}
              </dl>
              <Change details={r.details} />
            </div>
          </details>
        </li>
      ))}
    </ul>
  );
}

function Change({ details }: { details: Record<string, unknown> }) {
  const lines = describeChange(details);
  if (lines.length === 0) return <p className="text-slate-600">No further details.</p>;
  const diff = lines.some((l) => l.before !== undefined);
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{diff ? "What changed" : "Details"}</caption>
      <thead>
        <tr className="text-slate-600">
          <th scope="col" className="pb-1 pr-3 font-medium">Field</th>
          {diff ? (
            <>
              <th scope="col" className="pb-1 pr-3 font-medium">Before</th>
              <th scope="col" className="pb-1 font-medium">After</th>
            </>
          ) : (
            <th scope="col" className="pb-1 font-medium">Value</th>
          )}
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.field} className="align-top">
            <th scope="row" className="pr-3 font-normal text-slate-700">{l.field}</th>
            {l.before !== undefined ? (
              <>
                <td className="break-all pr-3 text-red-800 line-through decoration-red-300">{l.before}</td>
                <td className="break-all text-emerald-900">{l.after}</td>
              </>
            ) : (
              <td colSpan={diff ? 2 : 1} className="break-all">{l.value}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
