import type { Metadata } from "next";
import { CareHeader, EmptyState, WeekNav, cardClass, linkButton, weekTitle } from "@/components/care/ui";
import { decide } from "@/lib/authz";
import { requireCarePage } from "@/lib/context/server";
import { careReport, hours } from "@/lib/care/reports";
import { weekOf } from "@/lib/care/time";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Care reports" };

export default async function ReportsPage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<{ week?: string }> }) {
  const { subject, profile } = await requireCarePage((await params).nodeId, "care.reports");
  const week = weekOf(profile.timeZone, (await searchParams).week);
  const report = await careReport(await prisma(), profile, week);
  const canExport = decide(subject, "care_reports.export", { nodeId: profile.id });
  const active = report.rows.filter((r) => r.shifts > 0 || r.events > 0).length;

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader title="Care reports" subtitle={`${weekTitle(week.days)} · hours scheduled and care logged, per person`}>
          {canExport && (
            <a href={`/api/care/${profile.id}/reports/export?week=${week.monday}`} download className={linkButton.secondary} data-testid="export-report">
              Export report
            </a>
          )}
        </CareHeader>
        <div className="mt-4">
          <WeekNav base={`/o/${profile.id}/care/reports`} week={week} current={weekOf(profile.timeZone).monday} />
        </div>
        <dl className="mt-4 grid gap-3 sm:grid-cols-3">
          {[
            ["Hours scheduled", hours(report.totals.minutes)],
            ["Open shifts", String(report.open.shifts)],
            ["Care log entries", String(report.totals.events)],
          ].map(([label, value]) => (
            <div key={label} className="rounded-lg bg-slate-50 p-3">
              <dt className="text-xs text-slate-600">{label}</dt>
              <dd className="mt-0.5 text-2xl font-semibold tabular-nums" data-testid={`report-${label}`}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
      </section>

      {active === 0 && report.open.shifts === 0 ? (
        <EmptyState title="Nothing scheduled or logged this week" testId="report-empty">
          Pick another week, or add shifts on the schedule.
        </EmptyState>
      ) : (
        <section className={`${cardClass} relative overflow-x-auto`} aria-labelledby="report-table">
          <h3 id="report-table" className="text-sm font-semibold text-slate-800">
            Per person
          </h3>
          <table className="mt-2 w-full min-w-[32rem] text-left text-sm" data-testid="report-rows">
            <thead>
              <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <th scope="col" className="py-2 pr-3 font-medium">Person</th>
                <th scope="col" className="px-3 py-2 font-medium">Role</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Shifts</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Hours</th>
                <th scope="col" className="py-2 pl-3 text-right font-medium">Log entries</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.rows.map((r) => (
                <tr key={r.userId ?? "former"} data-testid="report-row">
                  <th scope="row" className="py-2 pr-3 font-medium text-slate-900">{r.name}</th>
                  <td className="px-3 py-2 text-slate-600">{r.role}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{r.shifts}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{hours(r.minutes)}</td>
                  <td className="py-2 pl-3 text-right tabular-nums">{r.events}</td>
                </tr>
              ))}
              <tr>
                <th scope="row" className="py-2 pr-3 font-medium text-slate-600">Open shifts</th>
                <td className="px-3 py-2 text-slate-500">nobody yet</td>
                <td className="px-3 py-2 text-right tabular-nums">{report.open.shifts}</td>
                <td className="px-3 py-2 text-right tabular-nums">{hours(report.open.minutes)}</td>
                <td className="py-2 pl-3 text-right text-slate-500">–</td>
              </tr>
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
