import type { Metadata } from "next";
import { CareHeader, EmptyState, cardClass, linkButton } from "@/components/care/ui";
import { PerformanceCharts } from "@/components/schedule/performance-charts";
import { inputClass } from "@/components/ui/classes";
import { decide, lookupNode } from "@/lib/authz";
import { dayLabel } from "@/lib/care/time";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { defaultPeriod, periodSchema, providerPerformance } from "@/lib/schedule/performance";

export const metadata: Metadata = { title: "Provider performance" };

const dollars = (cents: number) => `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export default async function PerformancePage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { subject, node } = await requirePage((await params).nodeId, "performance");
  const sp = await searchParams;
  const timeZone = lookupNode(subject, node.id)!.timeZone;
  const fallback = defaultPeriod(timeZone);
  const asked = { from: typeof sp.from === "string" ? sp.from : fallback.from, to: typeof sp.to === "string" ? sp.to : fallback.to };
  const parsed = periodSchema.safeParse({ nodeId: node.id, ...asked });
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const period = parsed.success ? parsed.data : { nodeId: node.id, ...fallback };
  const db = await prisma();
  const report = await providerPerformance(db, subject, period);
  const everyone = decide(subject, "provider_performance.read", { nodeId: node.id });
  const totals = report.rows.reduce((t, r) => ({ booked: t.booked + r.booked, completed: t.completed + r.completed, noShow: t.noShow + r.noShow, revenue: t.revenue + r.revenueCents }), { booked: 0, completed: 0, noShow: 0, revenue: 0 });

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader
          title={everyone ? "Provider performance" : "My performance"}
          subtitle={
            <>
              {dayLabel(report.from, "long")} – {dayLabel(report.to, "long")} · {node.name}
              {!everyone && <> · only your own figures</>}
            </>
          }
        />
        <form action={`/o/${node.id}/performance`} className="mt-4 flex flex-wrap items-end gap-3" aria-label="Choose the period" noValidate>
          <div>
            <label htmlFor="period-from" className="block text-sm font-medium text-slate-700">
              From
            </label>
            <input id="period-from" name="from" type="date" defaultValue={asked.from} className={inputClass} aria-invalid={errors.from ? true : undefined} aria-describedby={errors.from ? "period-from-error" : undefined} />
            {errors.from && (
              <p id="period-from-error" className="mt-1 text-sm text-red-700">
                {errors.from}
              </p>
            )}
          </div>
          <div>
            <label htmlFor="period-to" className="block text-sm font-medium text-slate-700">
              To
            </label>
            <input id="period-to" name="to" type="date" defaultValue={asked.to} className={inputClass} aria-invalid={errors.to ? true : undefined} aria-describedby={errors.to ? "period-to-error" : undefined} />
            {errors.to && (
              <p id="period-to-error" className="mt-1 text-sm text-red-700">
                {errors.to}
              </p>
            )}
          </div>
          <button type="submit" className={linkButton.secondary}>
            Show
          </button>
        </form>
        {!parsed.success && (
          <p role="alert" className="mt-3 text-sm text-red-700">
            That period can&apos;t be shown: showing the last 30 days instead.
          </p>
        )}
      </section>

      {report.rows.length === 0 ? (
        <EmptyState title="No appointments in this period" testId="performance-empty">
          Choose a longer period, or another place.
        </EmptyState>
      ) : (
        <>
          <section className={cardClass} aria-labelledby="charts-heading">
            <h3 id="charts-heading" className="font-semibold text-slate-900">
              Charts
            </h3>
            <p className="mt-1 text-sm text-slate-600">The table below has the same figures.</p>
            <div className="mt-3">
              <PerformanceCharts rows={report.rows.map((r) => ({ name: r.name.replace(/^Dr\. /, ""), booked: r.booked, completed: r.completed, noShow: r.noShow, revenue: Math.round(r.revenueCents / 100), rating: r.rating }))} />
            </div>
          </section>
          <section className={cardClass} aria-labelledby="table-heading">
            <h3 id="table-heading" className="font-semibold text-slate-900">
              Per provider
            </h3>
            <div className="mt-3 overflow-x-auto">
              <table className="min-w-full text-left text-sm" data-testid="performance-table">
                <caption className="sr-only">
                  Appointments, revenue and rating per provider, {report.from} to {report.to}
                </caption>
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-4">
                      Provider
                    </th>
                    <th scope="col" className="py-2 pr-4 text-right">
                      Booked
                    </th>
                    <th scope="col" className="py-2 pr-4 text-right">
                      Completed
                    </th>
                    <th scope="col" className="py-2 pr-4 text-right">
                      No-show
                    </th>
                    <th scope="col" className="py-2 pr-4 text-right">
                      Cancelled
                    </th>
                    <th scope="col" className="py-2 pr-4 text-right">
                      Upcoming / open
                    </th>
                    <th scope="col" className="py-2 pr-4 text-right">
                      Revenue
                    </th>
                    <th scope="col" className="py-2 pr-4 text-right">
                      Rating
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 tabular-nums">
                  {report.rows.map((r) => (
                    <tr key={r.providerId} data-testid="performance-row">
                      <th scope="row" className="py-2 pr-4 font-medium text-slate-900">
                        {r.name}
                      </th>
                      <td className="py-2 pr-4 text-right">{r.booked}</td>
                      <td className="py-2 pr-4 text-right">{r.completed}</td>
                      <td className="py-2 pr-4 text-right">
                        {r.noShow} <span className="text-xs text-slate-500">({r.noShowRate}%)</span>
                      </td>
                      <td className="py-2 pr-4 text-right">{r.cancelled}</td>
                      <td className="py-2 pr-4 text-right">{r.open}</td>
                      <td className="py-2 pr-4 text-right">{dollars(r.revenueCents)}</td>
                      <td className="py-2 pr-4 text-right">{r.rating === null ? "—" : `${r.rating.toFixed(1)} (${r.ratings})`}</td>
                    </tr>
                  ))}
                </tbody>
                {report.rows.length > 1 && (
                  <tfoot className="border-t border-slate-200 font-medium tabular-nums">
                    <tr>
                      <th scope="row" className="py-2 pr-4">
                        All shown
                      </th>
                      <td className="py-2 pr-4 text-right">{totals.booked}</td>
                      <td className="py-2 pr-4 text-right">{totals.completed}</td>
                      <td className="py-2 pr-4 text-right">{totals.noShow}</td>
                      <td className="py-2 pr-4 text-right" />
                      <td className="py-2 pr-4 text-right" />
                      <td className="py-2 pr-4 text-right">{dollars(totals.revenue)}</td>
                      <td className="py-2 pr-4 text-right" />
                    </tr>
                  </tfoot>
                )}
              </table>
            </div>
            <p className="mt-2 text-xs text-slate-500">Revenue: charges in the period for the patients whose primary provider this is. Rating: patients&apos; 1–5 ratings of completed appointments.</p>
          </section>
        </>
      )}
    </div>
  );
}
