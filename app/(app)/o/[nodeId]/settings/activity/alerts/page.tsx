import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AlertItem, AlertRulesForm, RetentionForm } from "@/components/activity/alert-inbox";
import { ALERT_RULE_INFO, alertRules, listAlerts } from "@/lib/audit/alerts";
import { retentionYears } from "@/lib/audit/archive";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Alerts" };

/** The alert inbox (issue 9): tenant-wide, so for those who read the whole organisation's log. */
export default async function AlertsPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.activity");
  if (!can(subject, "audit_log.read", node.tenantId)) notFound();
  const db = await prisma();
  const [alerts, rules, years, lastArchive] = await Promise.all([
    listAlerts(db, node.tenantId),
    alertRules(db, node.tenantId),
    retentionYears(db, node.tenantId),
    db.auditArchive.findFirst({ where: { tenantId: node.tenantId }, orderBy: { lastId: "desc" } }),
  ]);
  const open = alerts.filter((a) => !a.acknowledged);
  const done = alerts.filter((a) => a.acknowledged);
  return (
    <div className="space-y-6">
      <Link href={`/o/${node.id}/settings/activity`} className="text-sm font-medium text-brand-700 hover:underline">← Activity log</Link>
      <div>
        <h2 className="text-xl font-semibold">Alerts</h2>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">Raised by the rules below from {node.name}&apos;s activity; owners and admins also get them by email. Acknowledge each with a note.</p>
      </div>
      <section className="space-y-2" aria-labelledby="open-alerts">
        <h3 id="open-alerts" className="font-semibold">Open ({open.length})</h3>
        {open.length ? <ul className="divide-y divide-slate-200 rounded-md border border-amber-300 bg-amber-50/40">{open.map((a) => <AlertItem key={a.id} alert={a} />)}</ul> : <p className="text-sm text-slate-600">No open alerts.</p>}
      </section>
      {done.length > 0 && (
        <section className="space-y-2" aria-labelledby="done-alerts">
          <h3 id="done-alerts" className="font-semibold">Acknowledged ({done.length})</h3>
          <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">{done.map((a) => <AlertItem key={a.id} alert={a} />)}</ul>
        </section>
      )}
      <section className="space-y-2" aria-labelledby="rules">
        <h3 id="rules" className="font-semibold">Rules</h3>
        <AlertRulesForm
          tenantId={node.tenantId}
          editable={can(subject, "settings.edit", node.tenantId)}
          rules={rules.map((r) => ({ ...r, label: ALERT_RULE_INFO[r.kind].label, description: ALERT_RULE_INFO[r.kind].describe(r), usesThreshold: ALERT_RULE_INFO[r.kind].usesThreshold, usesWindow: ALERT_RULE_INFO[r.kind].usesWindow }))}
        />
      </section>
      <section className="space-y-2" aria-labelledby="retention">
        <h3 id="retention" className="font-semibold">Retention</h3>
        <p className="max-w-2xl text-sm text-slate-600">
          Events older than this are moved out of the database by <code>npm run audit:archive</code> into a JSON Lines file with a manifest and the chain&apos;s checkpoint hash, verifiable offline with <code>npm run audit:verify -- --archive &lt;dir&gt;</code>. HIPAA asks for 6 years.
        </p>
        <RetentionForm tenantId={node.tenantId} years={years} editable={can(subject, "tenant.set_audit_retention", node.tenantId)} />
        <p className="text-sm text-slate-600">
          {lastArchive ? `Last archive: ${lastArchive.count} events up to #${lastArchive.lastId} (${lastArchive.lastAt.toISOString().slice(0, 10)}), checkpoint ${lastArchive.checkpointHash.slice(0, 12)}…` : "Nothing has been archived yet."}
        </p>
      </section>
    </div>
  );
}
