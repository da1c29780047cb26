import type { Metadata } from "next";
import { BillingProfileForm, PaymentMethodForm } from "@/components/billing/billing-settings";
import { money } from "@/lib/billing/billing";
import { paymentProcessor } from "@/lib/billing/processor";
import { billingSettings } from "@/lib/billing/settings";
import { can } from "@/lib/context/enterable";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Billing settings" };
export const dynamic = "force-dynamic";

const box = "rounded-xl border border-slate-200 bg-white p-6 shadow-sm";
const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600";
const td = "px-3 py-2 text-sm text-slate-800";

/**
 * Settings > Billing settings (issue 10): the tenant's billing profile with CareAccess, its plan and
 * seats (counted in SQL from the active members), the product's invoices, and the card on file.
 * At the tenant root for billing_settings.read (owners); for everyone else it doesn't exist (404).
 */
export default async function BillingSettingsPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "settings.billing", { deniedIsNotFound: true });
  const db = await prisma();
  const view = await billingSettings(db, { id: node.tenantId, kind: node.kind });
  const canEdit = can(subject, "billing_settings.edit", node.tenantId);
  return (
    <div className="space-y-4">
      <h2 className="text-lg font-semibold">Billing settings</h2>
      <p className="text-sm text-slate-600">
        How <span className="font-medium text-slate-900">{node.tenantName}</span> pays for CareAccess. Changes ask for your password again and are recorded in the activity log.
      </p>

      <section className={box} aria-labelledby="plan-title" data-testid="plan">
        <h3 id="plan-title" className="text-base font-semibold text-slate-900">
          Plan and seats
        </h3>
        <dl className="mt-3 grid gap-4 sm:grid-cols-3">
          <div>
            <dt className="text-xs uppercase tracking-wide text-slate-500">Plan</dt>
            <dd className="text-sm font-medium text-slate-900">{view.plan.label}</dd>
          </div>
          <div>
            <dt className="text-xs uppercase tracking-wide text-slate-500">Seats</dt>
            <dd className="text-sm font-medium text-slate-900" data-testid="seats">
              {view.seats} active {view.seats === 1 ? "member" : "members"} × {money(view.plan.seatCents)}
            </dd>
          </div>
          <div>
            <dt className="text-xs uppercase tracking-wide text-slate-500">Next invoice</dt>
            <dd className="text-sm font-medium tabular-nums text-slate-900">{money(view.monthlyCents)} / month</dd>
          </div>
        </dl>
        <p className="mt-2 text-xs text-slate-500">A seat is a person with an active role here today; suspended, invited and expired people and service accounts aren&apos;t counted.</p>
      </section>

      <section className={box} aria-labelledby="profile-title">
        <h3 id="profile-title" className="mb-3 text-base font-semibold text-slate-900">
          Billing profile
        </h3>
        <BillingProfileForm tenantId={node.tenantId} profile={view.profile} canEdit={canEdit} />
      </section>

      <section className={box} aria-labelledby="card-title" data-testid="payment-method">
        <h3 id="card-title" className="mb-3 text-base font-semibold text-slate-900">
          Payment method
        </h3>
        {canEdit ? (
          <PaymentMethodForm tenantId={node.tenantId} card={view.card} processor={paymentProcessor().browserConfig()} hasProfile={!!view.profile} />
        ) : (
          <p className="text-sm text-slate-700">{view.card ? `Card ending in ${view.card.last4}` : "No payment method on file."}</p>
        )}
      </section>

      <section className={`${box} overflow-x-auto`} aria-labelledby="product-invoices-title" data-testid="product-invoices">
        <h3 id="product-invoices-title" className="text-base font-semibold text-slate-900">
          Invoices from CareAccess
        </h3>
        {view.invoices.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No invoices yet: the first arrives at the end of this month.</p>
        ) : (
          <table className="mt-3 w-full min-w-[32rem]">
            <thead>
              <tr className="border-b border-slate-200">
                <th scope="col" className={th}>Invoice</th>
                <th scope="col" className={th}>Period</th>
                <th scope="col" className={`${th} text-right`}>Seats</th>
                <th scope="col" className={`${th} text-right`}>Amount</th>
                <th scope="col" className={th}>Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {view.invoices.map((i) => (
                <tr key={i.id} data-testid="product-invoice">
                  <th scope="row" className={`${td} text-left font-mono text-xs font-medium`}>{i.number}</th>
                  <td className={td}>
                    {i.periodStart} – {i.periodEnd}
                  </td>
                  <td className={`${td} text-right tabular-nums`}>{i.seats}</td>
                  <td className={`${td} text-right tabular-nums`}>{money(i.amountCents)}</td>
                  <td className={td}>{i.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
