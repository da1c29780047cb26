"use client";

import { useState } from "react";
import { useReauthAction } from "@/components/client/use-reauth-action";
import { Field, FormError, Notice, buttonClass, fieldErrors, inputClass } from "@/components/ui/form";
import { saveBillingProfileAction, savePaymentMethodAction } from "@/lib/billing/settings-actions";

type Profile = Record<"legalName" | "taxId" | "contactName" | "contactEmail" | "addressLine1" | "addressLine2" | "city" | "region" | "postalCode" | "country", string>;
const FIELDS: { name: keyof Profile; label: string; type?: string; autoComplete?: string; wide?: boolean }[] = [
  { name: "legalName", label: "Legal name", autoComplete: "organization", wide: true },
  { name: "taxId", label: "Tax ID (EIN)" },
  { name: "contactName", label: "Billing contact", autoComplete: "name" },
  { name: "contactEmail", label: "Billing contact email", type: "email", autoComplete: "email", wide: true },
  { name: "addressLine1", label: "Street address", autoComplete: "address-line1", wide: true },
  { name: "addressLine2", label: "Suite, floor (optional)", autoComplete: "address-line2", wide: true },
  { name: "city", label: "City", autoComplete: "address-level2" },
  { name: "region", label: "State or region", autoComplete: "address-level1" },
  { name: "postalCode", label: "Postal code", autoComplete: "postal-code" },
  { name: "country", label: "Country (2 letters)", autoComplete: "country" },
];
const EMPTY: Profile = { legalName: "", taxId: "", contactName: "", contactEmail: "", addressLine1: "", addressLine2: "", city: "", region: "", postalCode: "", country: "US" };

/** Settings > Billing: the profile form. Saving asks for the password again when the window has passed. */
export function BillingProfileForm({ tenantId, profile, canEdit }: { tenantId: string; profile: Profile | null; canEdit: boolean }) {
  const [values, setValues] = useState<Profile>(profile ?? EMPTY);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useReauthAction(saveBillingProfileAction, (r) => setSaved(r.changed.length ? "Billing profile saved." : "Nothing changed."));
  // The password prompt is a form of its own: it sits beside this one, never inside it.
  return (
    <div className="space-y-4">
      <form
        noValidate
        aria-label="Billing profile"
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          setSaved(null);
          await save.run({ tenantId, ...values });
        }}
      >
        <FormError message={save.message && save.fields ? "Some fields need attention." : save.message} />
        <Notice message={saved} />
        <fieldset disabled={!canEdit} className="grid gap-4 sm:grid-cols-2">
          {FIELDS.map((f) => {
            const id = `billing-${f.name}`;
            const errs = fieldErrors(save.fields, f.name);
            return (
              <div key={f.name} className={f.wide ? "sm:col-span-2" : undefined}>
                <Field id={id} label={f.label} error={errs}>
                  <input
                    id={id}
                    type={f.type ?? "text"}
                    autoComplete={f.autoComplete}
                    className={inputClass}
                    value={values[f.name]}
                    onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                    aria-invalid={errs ? true : undefined}
                    aria-describedby={errs ? `${id}-error` : undefined}
                  />
                </Field>
              </div>
            );
          })}
        </fieldset>
        {canEdit && (
          <div className="flex justify-end">
            <button type="submit" className={buttonClass.primary} disabled={save.pending || !!save.prompt} data-testid="save-billing-profile">
              {save.pending ? "Saving…" : "Save billing profile"}
            </button>
          </div>
        )}
      </form>
      {save.prompt}
    </div>
  );
}

type Card = { brand: string; last4: string; expMonth: number; expYear: number } | null;
const BRAND: Record<string, string> = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover" };
export const brandLabel = (b: string) => BRAND[b] ?? "Card";

/**
 * The payment method: the card goes from this browser straight to the payment processor (the inputs
 * have no `name` and are never posted to CareAccess); CareAccess gets only the processor's token.
 */
export function PaymentMethodForm({ tenantId, card, processor, hasProfile }: { tenantId: string; card: Card; processor: { tokenUrl: string; publishableKey: string }; hasProfile: boolean }) {
  const [open, setOpen] = useState(!card);
  const [number, setNumber] = useState("");
  const [expiry, setExpiry] = useState({ month: "", year: "" });
  const [cvc, setCvc] = useState("");
  const [cardErrors, setCardErrors] = useState<{ message: string | null; fields?: Record<string, string[]> }>({ message: null });
  const [tokenizing, setTokenizing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useReauthAction(savePaymentMethodAction, (c) => {
    setSaved(`${brandLabel(c.brand)} ending in ${c.last4} is on file.`);
    setNumber("");
    setCvc("");
    setExpiry({ month: "", year: "" });
    setOpen(false);
  });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(null);
    setCardErrors({ message: null });
    setTokenizing(true);
    let answer: { token?: string; error?: { message: string; fields?: Record<string, string[]> } };
    try {
      const res = await fetch(processor.tokenUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ publishableKey: processor.publishableKey, number, expMonth: expiry.month, expYear: expiry.year, cvc }) });
      answer = await res.json();
    } catch {
      answer = { error: { message: "The payment processor can't be reached. Try again in a minute." } };
    } finally {
      setTokenizing(false);
    }
    if (!answer.token) return setCardErrors({ message: answer.error?.message ?? "The card wasn't accepted.", fields: answer.error?.fields });
    // Forget the number as soon as it is tokenized: only the token goes to our server.
    setNumber("");
    setCvc("");
    await save.run({ tenantId, token: answer.token });
  }

  const err = (name: string) => fieldErrors(cardErrors.fields, name);
  const pending = tokenizing || save.pending;
  return (
    <div className="space-y-3">
      <Notice message={saved} />
      {card ? (
        <p className="text-sm text-slate-800" data-testid="card-on-file">
          <span className="font-medium">{brandLabel(card.brand)}</span> ending in <span className="font-mono">{card.last4}</span> · expires {String(card.expMonth).padStart(2, "0")}/{card.expYear}
        </p>
      ) : (
        <p className="text-sm text-slate-600" data-testid="no-card">
          No payment method on file yet.
        </p>
      )}
      {!hasProfile ? (
        <p className="text-sm text-slate-600">Save the billing profile first: the card is billed to it.</p>
      ) : !open ? (
        <button type="button" className={buttonClass.secondary} onClick={() => setOpen(true)} data-testid="replace-card">
          Replace card
        </button>
      ) : (
        <form noValidate aria-label="Payment method" className="space-y-3" onSubmit={submit}>
          <FormError message={cardErrors.message ?? (save.fields ? fieldErrors(save.fields, "token")?.[0] : save.message)} />
          <div className="grid gap-4 sm:grid-cols-4">
            <div className="sm:col-span-4">
              <Field id="card-number" label="Card number" error={err("number")} hint="Sent straight to the payment processor; CareAccess keeps only the brand and last 4 digits.">
                <input id="card-number" inputMode="numeric" autoComplete="cc-number" className={inputClass} value={number} onChange={(e) => setNumber(e.target.value)} aria-invalid={err("number") ? true : undefined} aria-describedby={err("number") ? "card-number-error" : "card-number-hint"} />
              </Field>
            </div>
            <Field id="card-exp-month" label="Expiry month" error={err("expMonth")}>
              <input id="card-exp-month" inputMode="numeric" autoComplete="cc-exp-month" placeholder="MM" className={inputClass} value={expiry.month} onChange={(e) => setExpiry({ ...expiry, month: e.target.value })} aria-invalid={err("expMonth") ? true : undefined} />
            </Field>
            <Field id="card-exp-year" label="Expiry year" error={err("expYear")}>
              <input id="card-exp-year" inputMode="numeric" autoComplete="cc-exp-year" placeholder="YYYY" className={inputClass} value={expiry.year} onChange={(e) => setExpiry({ ...expiry, year: e.target.value })} aria-invalid={err("expYear") ? true : undefined} />
            </Field>
            <Field id="card-cvc" label="Security code" error={err("cvc")}>
              <input id="card-cvc" inputMode="numeric" autoComplete="cc-csc" className={inputClass} value={cvc} onChange={(e) => setCvc(e.target.value)} aria-invalid={err("cvc") ? true : undefined} />
            </Field>
          </div>
          <div className="flex justify-end gap-2">
            {card && (
              <button type="button" className={buttonClass.secondary} onClick={() => setOpen(false)}>
                Cancel
              </button>
            )}
            <button type="submit" className={buttonClass.primary} disabled={pending || !!save.prompt} data-testid="save-card">
              {pending ? "Saving…" : "Save card"}
            </button>
          </div>
        </form>
      )}
      {save.prompt}
    </div>
  );
}
