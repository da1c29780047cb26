"use client";

import { useState } from "react";
import { useServerAction } from "@/components/client/use-server-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { createChargeAction, createInvoiceAction, recordPaymentAction, requestRefundAction } from "@/lib/billing/actions";

type Option = { id: string; name: string };
type Patient = { id: string; name: string; nodeId: string };
export interface BillingFormsProps {
  nodeId: string;
  can: { charge: boolean; invoice: boolean; payment: boolean; refund: boolean };
  locations: Option[];
  patients: Patient[];
  /** Invoices on screen with money still due. */
  openInvoices: { id: string; label: string }[];
  /** Payments on screen that can still be refunded. */
  payments: { id: string; label: string }[];
}

const box = "rounded-lg border border-slate-200 p-4";
const dollars = (v: string) => v.trim();

/** The one form shape here: a titled box, its error (the policy's reason when refused), its notice. */
function FormBox({ title, testId, error, notice, pending, submit, label, children }: { title: string; testId: string; error: string | null; notice: string | null; pending: boolean; submit: () => void; label: string; children: React.ReactNode }) {
  return (
    <form
      noValidate
      aria-label={title}
      className={`${box} space-y-3`}
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h4 className="text-sm font-semibold text-slate-900">{title}</h4>
      <FormError message={error} />
      <Notice message={notice} />
      {children}
      <button type="submit" className={buttonClass.primary} disabled={pending}>
        {pending ? "Saving…" : label}
      </button>
    </form>
  );
}

function Select({ id, label, value, onChange, options, errors, empty }: { id: string; label: string; value: string; onChange: (v: string) => void; options: Option[]; errors?: string[]; empty: string }) {
  return (
    <Field id={id} label={label} error={errors}>
      <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={errors ? true : undefined} aria-describedby={errors ? `${id}-error` : undefined}>
        <option value="">{options.length ? "Choose…" : empty}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

function Input({ id, label, value, onChange, errors, type = "text", placeholder }: { id: string; label: string; value: string; onChange: (v: string) => void; errors?: string[]; type?: string; placeholder?: string }) {
  return (
    <Field id={id} label={label} error={errors}>
      <input id={id} type={type} placeholder={placeholder} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={errors ? true : undefined} aria-describedby={errors ? `${id}-error` : undefined} />
    </Field>
  );
}

/** A form's error line: "Some fields need attention." when fields say it, else the server's message (e.g. the policy's reason). */
const errorOf = (a: { error: unknown; message: string | null; fields?: Record<string, string[]> }) => (a.error ? (a.fields && Object.keys(a.fields).length ? "Some fields need attention." : a.message) : null);

/**
 * Billing's write forms (issue 10): a charge, an invoice of a patient's open charges, a payment, a
 * refund request. Each shows only when the policy lets the viewer do it here (decided on the
 * server); a refusal (an amount limit, separation of duties) shows the policy's own reason.
 */
export function BillingForms({ nodeId, can, locations, patients, openInvoices, payments }: BillingFormsProps) {
  const today = new Date().toISOString().slice(0, 10);
  const [charge, setCharge] = useState({ location: locations.length === 1 ? locations[0].id : "", patientId: "", description: "", amount: "", serviceDate: today });
  const [invoice, setInvoice] = useState({ location: locations.length === 1 ? locations[0].id : "", patientId: "" });
  const [payment, setPayment] = useState({ invoiceId: "", amount: "", method: "card" });
  const [refund, setRefund] = useState({ paymentId: "", amount: "", reason: "" });
  const [notice, setNotice] = useState<Record<string, string | null>>({});
  const chargeA = useServerAction(createChargeAction, { refresh: true, onSuccess: () => setNotice({ charge: "Charge added." }) });
  const invoiceA = useServerAction(createInvoiceAction, { refresh: true, onSuccess: (r) => setNotice({ invoice: `Invoice ${r.number} created.` }) });
  const paymentA = useServerAction(recordPaymentAction, { refresh: true, onSuccess: () => setNotice({ payment: "Payment recorded." }) });
  const refundA = useServerAction(requestRefundAction, { refresh: true, onSuccess: () => setNotice({ refund: "Refund requested: it waits for approval." }) });
  const patientsAt = (location: string) => patients.filter((p) => p.nodeId === location);
  if (!can.charge && !can.invoice && !can.payment && !can.refund) return null;

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {can.charge && (
        <FormBox title="New charge" testId="charge-form" label="Add charge" error={errorOf(chargeA)} notice={notice.charge ?? null} pending={chargeA.pending}
          submit={() => { setNotice({}); void chargeA.run({ nodeId: charge.location, patientId: charge.patientId, description: charge.description, amount: dollars(charge.amount), serviceDate: charge.serviceDate }); }}>
          <Select id="charge-location" label="Location" value={charge.location} onChange={(v) => setCharge({ ...charge, location: v, patientId: "" })} options={locations} errors={fieldErrors(chargeA.fields, "nodeId")} empty="No locations" />
          <Select id="charge-patient" label="Patient" value={charge.patientId} onChange={(v) => setCharge({ ...charge, patientId: v })} options={patientsAt(charge.location)} errors={fieldErrors(chargeA.fields, "patientId")} empty="Choose a location first" />
          <Input id="charge-description" label="Description" value={charge.description} onChange={(v) => setCharge({ ...charge, description: v })} errors={fieldErrors(chargeA.fields, "description")} placeholder="Cleaning" />
          <div className="grid grid-cols-2 gap-3">
            <Input id="charge-amount" label="Amount ($)" value={charge.amount} onChange={(v) => setCharge({ ...charge, amount: v })} errors={fieldErrors(chargeA.fields, "amount")} placeholder="120.00" />
            <Input id="charge-date" label="Date of service" type="date" value={charge.serviceDate} onChange={(v) => setCharge({ ...charge, serviceDate: v })} errors={fieldErrors(chargeA.fields, "serviceDate")} />
          </div>
        </FormBox>
      )}
      {can.invoice && (
        <FormBox title="Invoice open charges" testId="invoice-form" label="Create invoice" error={errorOf(invoiceA)} notice={notice.invoice ?? null} pending={invoiceA.pending}
          submit={() => { setNotice({}); void invoiceA.run({ nodeId: invoice.location, patientId: invoice.patientId }); }}>
          <Select id="invoice-location" label="Location" value={invoice.location} onChange={(v) => setInvoice({ location: v, patientId: "" })} options={locations} errors={fieldErrors(invoiceA.fields, "nodeId")} empty="No locations" />
          <Select id="invoice-patient" label="Patient" value={invoice.patientId} onChange={(v) => setInvoice({ ...invoice, patientId: v })} options={patientsAt(invoice.location)} errors={fieldErrors(invoiceA.fields, "patientId")} empty="Choose a location first" />
        </FormBox>
      )}
      {can.payment && (
        <FormBox title="Record a payment" testId="payment-form" label="Record payment" error={errorOf(paymentA)} notice={notice.payment ?? null} pending={paymentA.pending}
          submit={() => { setNotice({}); void paymentA.run({ nodeId, invoiceId: payment.invoiceId, amount: dollars(payment.amount), method: payment.method as "card" | "cash" | "check" | "insurance" }); }}>
          <Select id="payment-invoice" label="Invoice" value={payment.invoiceId} onChange={(v) => setPayment({ ...payment, invoiceId: v })} options={openInvoices.map((i) => ({ id: i.id, name: i.label }))} errors={fieldErrors(paymentA.fields, "invoiceId")} empty="No open invoices on this page" />
          <div className="grid grid-cols-2 gap-3">
            <Input id="payment-amount" label="Amount ($)" value={payment.amount} onChange={(v) => setPayment({ ...payment, amount: v })} errors={fieldErrors(paymentA.fields, "amount")} placeholder="50.00" />
            <Select id="payment-method" label="Method" value={payment.method} onChange={(v) => setPayment({ ...payment, method: v })} options={["card", "cash", "check", "insurance"].map((m) => ({ id: m, name: m }))} errors={fieldErrors(paymentA.fields, "method")} empty="" />
          </div>
        </FormBox>
      )}
      {can.refund && (
        <FormBox title="Request a refund" testId="refund-form" label="Request refund" error={errorOf(refundA)} notice={notice.refund ?? null} pending={refundA.pending}
          submit={() => { setNotice({}); void refundA.run({ nodeId, paymentId: refund.paymentId, amount: dollars(refund.amount), reason: refund.reason }); }}>
          <Select id="refund-payment" label="Payment" value={refund.paymentId} onChange={(v) => setRefund({ ...refund, paymentId: v })} options={payments.map((p) => ({ id: p.id, name: p.label }))} errors={fieldErrors(refundA.fields, "paymentId")} empty="No refundable payments on this page" />
          <Input id="refund-amount" label="Amount ($)" value={refund.amount} onChange={(v) => setRefund({ ...refund, amount: v })} errors={fieldErrors(refundA.fields, "amount")} placeholder="25.00" />
          <Input id="refund-reason" label="Reason" value={refund.reason} onChange={(v) => setRefund({ ...refund, reason: v })} errors={fieldErrors(refundA.fields, "reason")} placeholder="Charged twice" />
        </FormBox>
      )}
    </div>
  );
}
