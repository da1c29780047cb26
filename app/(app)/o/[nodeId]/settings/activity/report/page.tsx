import type { Metadata } from "next";
import Link from "next/link";
import { ActivityTable } from "@/components/activity/activity-table";
import { PrintButton } from "@/components/activity/print-button";
import { buttonClass, inputClass } from "@/components/ui/classes";
import { activityFilters } from "@/lib/audit/activity";
import { complianceReport } from "@/lib/audit/history";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Compliance report" };

/** The printable compliance report for a date range: patient-record access, permission changes, security events (issue 9). */
export default async function ComplianceReportPage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<{ from?: string; to?: string }> }) {
  const { node } = await requirePage((await params).nodeId, "settings.activity");
  const sp = await searchParams;
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const parsed = activityFilters.safeParse({ from: sp.from ?? monthAgo, to: sp.to ?? today });
  const range = parsed.success ? { from: parsed.data.from, to: parsed.data.to } : { from: monthAgo, to: today };
  const sections = await complianceReport(await prisma(), { id: node.id, tenantId: node.tenantId }, range);
  return (
    <div className="space-y-5">
      <Link href={`/o/${node.id}/settings/activity`} className="text-sm font-medium text-brand-700 hover:underline print:hidden">← Activity log</Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-xl font-semibold">Compliance report: {node.name}</h2>
          <p className="mt-1 text-sm text-slate-600">{range.from} to {range.to} (UTC). Generated {new Date().toISOString().replace("T", " ").slice(0, 16)} UTC.</p>
        </div>
        <PrintButton />
      </div>
      <form method="get" className="flex flex-wrap items-end gap-3 print:hidden" aria-label="Report period">
        <div><label htmlFor="from" className="block text-sm font-medium text-slate-700">From</label><input id="from" name="from" type="date" defaultValue={range.from} className={inputClass} /></div>
        <div><label htmlFor="to" className="block text-sm font-medium text-slate-700">To</label><input id="to" name="to" type="date" defaultValue={range.to} className={inputClass} /></div>
        <button type="submit" className={buttonClass.primary}>Show</button>
        {!parsed.success && <p role="alert" className="text-sm text-red-700">{parsed.error.issues[0]?.message} Showing the last 30 days.</p>}
      </form>
      {sections.map((s) => (
        <section key={s.key} className="space-y-2 break-inside-avoid">
          <h3 className="font-semibold">{s.title} ({s.total})</h3>
          {s.total > s.rows.length && <p className="text-sm text-slate-600">The newest {s.rows.length} are listed; export the activity log for all of them.</p>}
          <ActivityTable rows={s.rows} empty="None in this period." />
        </section>
      ))}
    </div>
  );
}
