import type { Metadata } from "next";
import Link from "next/link";
import { BillingForms } from "@/components/billing/billing-forms";
import { RefundActions } from "@/components/billing/refund-actions";
import { CareHeader, EmptyState, cardClass, linkButton } from "@/components/care/ui";
import { inputClass } from "@/components/ui/classes";
import { decide } from "@/lib/authz";
import { PAGE_SIZE, billingChoices, billingPlace, billingReport, listInvoices, listRefunds, money, type ReportRow } from "@/lib/billing/billing";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Billing" };

const isDate = (v: string | undefined): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
const STATUS_STYLE: Record<string, string> = {
  requested: "bg-amber-100 text-amber-900",
  approved: "bg-sky-100 text-sky-900",
  processed: "bg-emerald-100 text-emerald-900",
  denied: "bg-slate-200 text-slate-700",
  paid: "bg-emerald-100 text-emerald-900",
  open: "bg-amber-100 text-amber-900",
};
const Badge = ({ status }: { status: string }) => <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[status] ?? "bg-slate-100"}`}>{status}</span>;

export default async function BillingPage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<{ q?: string; page?: string; from?: string; to?: string }> }) {
  const { subject, node, user } = await requirePage((await params).nodeId, "billing");
  const place = billingPlace(subject, node.id)!;
  const sp = await searchParams;
  const db = await prisma();
  const today = new Date().toISOString().slice(0, 10);
  const from = isDate(sp.from) ? sp.from : `${today.slice(0, 8)}01`;
  const to = isDate(sp.to) && sp.to >= from ? sp.to : today;
  const q = (sp.q ?? "").slice(0, 100);
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));

  const can = (p: Parameters<typeof decide>[1]) => decide(subject, p, { nodeId: place.id });
  const showInvoices = can("invoices.read");
  const showRefunds = can("refunds.read");
  const showReport = can("billing_reports.read");
  const [invoices, refunds, report] = await Promise.all([
    showInvoices ? listInvoices(db, subject, place, { q, page }) : null,
    showRefunds ? listRefunds(db, subject, place) : null,
    showReport ? billingReport(db, subject, place, { from, to }) : null,
  ]);
  const forms = { charge: can("charges.create"), invoice: can("invoices.create"), payment: can("payments.process"), refund: can("refunds.create") };
  const choices = forms.charge || forms.invoice ? await db.$transaction((tx) => billingChoices(tx, { subject, userId: user.id }, place)) : { locations: [], patients: [] };
  const openInvoices = (invoices?.rows ?? []).filter((r) => r.status === "open" && r.totalCents > r.paidCents).map((r) => ({ id: r.id, label: `${r.number} · ${r.patient} · ${money(r.totalCents - r.paidCents)} due` }));
  const refundable = (invoices?.rows ?? []).flatMap((r) => r.payments.filter((p) => p.amountCents > p.refundedCents).map((p) => ({ id: p.id, label: `${r.number} · ${p.method} ${money(p.amountCents - p.refundedCents)}` })));
  const base = `/o/${place.id}/billing`;
  const pages = invoices ? Math.max(1, Math.ceil(invoices.total / PAGE_SIZE)) : 1;

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader title="Billing" subtitle={`${place.name} · invoices, payments and refunds`} />
      </section>

      {(forms.charge || forms.invoice || forms.payment || forms.refund) && (
        <section className={cardClass} aria-labelledby="billing-forms-title" data-testid="billing-forms">
          <h3 id="billing-forms-title" className="mb-3 text-base font-semibold text-slate-900">
            Record billing
          </h3>
          <BillingForms nodeId={place.id} can={forms} locations={choices.locations} patients={choices.patients} openInvoices={openInvoices} payments={refundable} />
        </section>
      )}

      {refunds && (
        <section className={cardClass} aria-labelledby="refunds-title" data-testid="refunds">
          <h3 id="refunds-title" className="text-base font-semibold text-slate-900">
            Refunds
          </h3>
          {refunds.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">No refunds here.</p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-100">
              {refunds.map((r) => (
                <li key={r.id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="refund-row" data-amount={r.amountCents}>
                  <div className="min-w-0">
                    <p className="text-sm font-medium text-slate-900">
                      <span className="tabular-nums">{money(r.amountCents)}</span> · {r.reason} <Badge status={r.status} />
                    </p>
                    <p className="text-xs text-slate-600">
                      {r.location} · requested by {r.requestedBy}
                      {r.approvedBy ? ` · ${r.status === "denied" ? "denied" : "approved"} by ${r.approvedBy}` : ""}
                    </p>
                  </div>
                  <RefundActions nodeId={place.id} refundId={r.id} status={r.status} approve={r.approve} process={r.process} />
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {invoices && (
        <section className={`${cardClass} overflow-x-auto`} aria-labelledby="invoices-title" data-testid="invoices">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <h3 id="invoices-title" className="text-base font-semibold text-slate-900">
              Invoices <span className="text-sm font-normal text-slate-600">({invoices.total})</span>
            </h3>
            <form action={base} className="flex items-end gap-2" role="search">
              <label className="text-sm text-slate-700">
                Search
                <input name="q" defaultValue={q} placeholder="Invoice number or patient" className={`${inputClass} w-64`} maxLength={100} />
              </label>
              <button type="submit" className={linkButton.secondary}>
                Search
              </button>
            </form>
          </div>
          {invoices.rows.length === 0 ? (
            <div className="mt-3">
              <EmptyState title={q ? "No invoices match" : "No invoices yet"} testId="invoices-empty" />
            </div>
          ) : (
            <table className="mt-3 w-full min-w-[40rem] text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                  <th scope="col" className="py-2 pr-3 font-medium">Invoice</th>
                  <th scope="col" className="px-3 py-2 font-medium">Patient</th>
                  <th scope="col" className="px-3 py-2 font-medium">Location</th>
                  <th scope="col" className="px-3 py-2 font-medium">Issued</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Total</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Paid</th>
                  <th scope="col" className="py-2 pl-3 font-medium">Status</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {invoices.rows.map((r) => (
                  <tr key={r.id} data-testid="invoice-row">
                    <th scope="row" className="py-2 pr-3 font-mono text-xs font-medium text-slate-900">{r.number}</th>
                    <td className="px-3 py-2">{r.patient}</td>
                    <td className="px-3 py-2 text-slate-600">{r.location}</td>
                    <td className="px-3 py-2 text-slate-600">{r.issuedAt.slice(0, 10)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{money(r.totalCents)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{money(r.paidCents)}</td>
                    <td className="py-2 pl-3">
                      <Badge status={r.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {pages > 1 && (
            <nav aria-label="Invoice pages" className="mt-3 flex items-center gap-3 text-sm">
              {page > 1 && <Link href={`${base}?q=${encodeURIComponent(q)}&page=${page - 1}`}>Previous</Link>}
              <span>
                Page {page} of {pages}
              </span>
              {page < pages && <Link href={`${base}?q=${encodeURIComponent(q)}&page=${page + 1}`}>Next</Link>}
            </nav>
          )}
        </section>
      )}

      {report && <Report base={base} placeId={place.id} from={from} to={to} rows={report} canExport={can("billing_reports.export")} />}
    </div>
  );
}

function Report({ base, placeId, from, to, rows, canExport }: { base: string; placeId: string; from: string; to: string; rows: ReportRow[]; canExport: boolean }) {
  const sum = (k: keyof ReportRow) => rows.reduce((s, r) => s + (r[k] as number), 0);
  return (
    <section className={`${cardClass} overflow-x-auto`} aria-labelledby="report-title" data-testid="billing-report">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h3 id="report-title" className="text-base font-semibold text-slate-900">
          Report per location
        </h3>
        <form action={base} className="flex flex-wrap items-end gap-2">
          <label className="text-sm text-slate-700">
            From
            <input type="date" name="from" defaultValue={from} className={inputClass} />
          </label>
          <label className="text-sm text-slate-700">
            To
            <input type="date" name="to" defaultValue={to} className={inputClass} />
          </label>
          <button type="submit" className={linkButton.secondary}>
            Show
          </button>
          {canExport && (
            <a href={`/api/billing/${placeId}/report/export?from=${from}&to=${to}`} download className={linkButton.primary} data-testid="export-billing-report">
              Export CSV
            </a>
          )}
        </form>
      </div>
      <table className="mt-3 w-full min-w-[36rem] text-left text-sm" data-testid="report-rows">
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="py-2 pr-3 font-medium">Location</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Charged</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Invoices</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Collected</th>
            <th scope="col" className="py-2 pl-3 text-right font-medium">Refunded</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.nodeId}>
              <th scope="row" className="py-2 pr-3 font-medium text-slate-900">{r.location}</th>
              <td className="px-3 py-2 text-right tabular-nums">{money(r.chargedCents)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.invoices}</td>
              <td className="px-3 py-2 text-right tabular-nums">{money(r.paidCents)}</td>
              <td className="py-2 pl-3 text-right tabular-nums">{money(r.refundedCents)}</td>
            </tr>
          ))}
          <tr className="font-semibold">
            <th scope="row" className="py-2 pr-3">Total</th>
            <td className="px-3 py-2 text-right tabular-nums">{money(sum("chargedCents"))}</td>
            <td className="px-3 py-2 text-right tabular-nums">{sum("invoices")}</td>
            <td className="px-3 py-2 text-right tabular-nums">{money(sum("paidCents"))}</td>
            <td className="py-2 pl-3 text-right tabular-nums">{money(sum("refundedCents"))}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
