"use client";

import Image from "next/image";
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { safeNextPath } from "@/lib/security/next-path";
import { useState } from "react";
import { fetchJson, formMessage, type ActionResult } from "@/components/client/result";
import { useServerAction } from "@/components/client/use-server-action";
import { FormError, Notice, TextField as Field, buttonClass } from "@/components/ui/form";

const primaryButton = buttonClass.primaryLarge;
const secondaryButton = buttonClass.secondaryRaised;
const dangerButton = buttonClass.dangerOutline;

/** POSTs a JSON body to a route handler through the one client hook. */
const post = <T,>(url: string) => (body: unknown) => fetchJson<T>(url, { method: "POST", body });

const val = (form: FormData, key: string) => String(form.get(key) ?? "");

/** Invitation / activation / reset: choose a password (twice), checked against the tenant policy. */
export function SetPasswordForm({ endpoint, token, hint, askName, defaultName, submitLabel, done }: { endpoint: string; token: string; hint: string; askName?: boolean; defaultName?: string; submitLabel: string; done: string }) {
  const router = useRouter();
  const f = useServerAction(post<{ email: string }>(endpoint));
  const errors = f.fields ?? {};
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = { token, password: val(form, "password"), confirm: val(form, "confirm"), ...(askName ? { name: val(form, "name") } : {}) };
    const r = await f.run(body);
    if (r.ok) router.replace(`${done}&email=${encodeURIComponent(r.data.email)}`);
  }
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError id="form-error" message={formMessage(f.error) ?? errors.token?.[0] ?? null} />
      {askName && <Field id="name" label="Your name" autoComplete="name" defaultValue={defaultName} errors={errors.name} />}
      <Field id="password" label="New password" type="password" autoComplete="new-password" hint={hint} errors={errors.password} />
      <Field id="confirm" label="Type it again" type="password" autoComplete="new-password" errors={errors.confirm} />
      <button type="submit" disabled={f.pending} className={`w-full ${primaryButton}`}>
        {f.pending ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}

export function ForgotPasswordForm() {
  const f = useServerAction(post<{ message: string }>("/api/public/password-reset"));
  const [sent, setSent] = useState<string | null>(null);
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const r = await f.run({ email: val(new FormData(e.currentTarget), "email") });
    if (r.ok) setSent(r.data.message);
  }
  if (sent)
    return (
      <div className="mt-6 space-y-4">
        <Notice message={sent} />
        <Link href="/login" className="text-sm font-medium text-brand-700 underline">
          Back to sign in
        </Link>
      </div>
    );
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormError id="form-error" message={formMessage(f.error)} />
      <Field id="email" label="Email" type="email" autoComplete="username" errors={f.fields?.email} />
      <button type="submit" disabled={f.pending} className={`w-full ${primaryButton}`}>
        {f.pending ? "Sending…" : "Email me a reset link"}
      </button>
      <p className="text-center text-sm">
        <Link href="/login" className="text-brand-700 underline">
          Back to sign in
        </Link>
      </p>
    </form>
  );
}

const METHOD_LABEL = { totp: "Authenticator app", email: "Email code", recovery: "Recovery code" } as const;
type Method = keyof typeof METHOD_LABEL;

/** Step 2 of signing in: a code from the authenticator app, an emailed code, or a recovery code. */
export function TwoFactorForm({ challenge, next }: { challenge: string; next: string }) {
  const router = useRouter();
  const [method, setMethod] = useState<Method>("totp");
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const code = val(new FormData(e.currentTarget), "code").trim();
    if (!code) return setError(method === "recovery" ? "Enter one of your recovery codes." : "Enter the 6-digit code.");
    setPending(true);
    setError(null);
    const result = await signIn("two-factor", { challenge, method, code, redirect: false }).catch(() => null);
    if (!result || result.error) {
      setPending(false);
      const message = result?.error && result.error !== "CredentialsSignin" ? result.error : "That code didn't work.";
      setError(message);
      return;
    }
    router.replace(safeNextPath(next));
    router.refresh();
  }
  async function sendEmail() {
    setError(null);
    const r = await fetchJson<{ message: string }>("/api/public/sign-in/email-code", { method: "POST", body: { challenge } });
    if (r.ok) setInfo(r.data.message);
    else setError(r.error.message);
  }
  return (
    <div className="mt-6 space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">How do you want to confirm?</legend>
        <div className="mt-2 grid grid-cols-3 gap-2">
          {(Object.keys(METHOD_LABEL) as Method[]).map((m) => (
            <label key={m} className={`cursor-pointer rounded-md border px-2 py-2 text-center text-sm ${method === m ? "border-brand-600 bg-brand-50 font-medium text-brand-800" : "border-slate-300 text-slate-700"}`}>
              <input type="radio" name="method" value={m} checked={method === m} onChange={() => { setMethod(m); setError(null); }} className="sr-only" />
              {METHOD_LABEL[m]}
            </label>
          ))}
        </div>
      </fieldset>
      {method === "email" && (
        <div className="space-y-2">
          <button type="button" onClick={sendEmail} className={secondaryButton}>
            Email me a code
          </button>
          <Notice message={info} />
        </div>
      )}
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError id="form-error" message={error} />
        <Field
          key={method}
          id="code"
          label={method === "recovery" ? "Recovery code" : "6-digit code"}
          inputMode={method === "recovery" ? "text" : "numeric"}
          autoComplete="one-time-code"
          hint={method === "totp" ? "Open your authenticator app and enter the code shown for CareAccess." : method === "recovery" ? "One of the codes you saved when you set up two-factor authentication. Each works once." : undefined}
        />
        <button type="submit" disabled={pending} className={`w-full ${primaryButton}`}>
          {pending ? "Checking…" : "Verify and sign in"}
        </button>
      </form>
    </div>
  );
}

/** Enrolment when the tenant requires 2FA: scan, confirm with a code, save recovery codes, continue. */
export function EnrolDuringSignIn({ challenge, next }: { challenge: string; next: string }) {
  const router = useRouter();
  return (
    <TotpEnrolment
      start={() => fetchJson<{ qrDataUrl: string; secret: string }>("/api/public/sign-in/enrol", { method: "POST", body: { challenge } })}
      confirm={(code) => fetchJson<{ recoveryCodes: string[] }>("/api/public/sign-in/enrol/confirm", { method: "POST", body: { challenge, code } })}
      finishLabel="Continue to CareAccess"
      onFinish={async () => {
        const result = await signIn("two-factor", { challenge, method: "enrolled", redirect: false });
        if (result?.error) return result.error;
        router.replace(safeNextPath(next));
        router.refresh();
        return null;
      }}
    />
  );
}

export function TotpEnrolment({ start, confirm, onFinish, finishLabel }: {
  start: () => Promise<ActionResult<{ qrDataUrl: string; secret: string }>>;
  confirm: (code: string) => Promise<ActionResult<{ recoveryCodes: string[] }>>;
  onFinish: () => Promise<string | null>;
  finishLabel: string;
}) {
  const [setup, setSetup] = useState<{ qrDataUrl: string; secret: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [finishError, setFinishError] = useState<string | null>(null);
  const f = useServerAction(confirm);
  async function begin() {
    const r = await start();
    if (r.ok) setSetup(r.data);
    else setStartError(r.error.message);
  }
  if (codes)
    return (
      <div className="mt-6 space-y-4">
        <Notice message="Two-factor authentication is on." />
        <RecoveryCodes codes={codes} />
        <FormError id="form-error" message={finishError} />
        <button type="button" className={`w-full ${primaryButton}`} onClick={async () => setFinishError(await onFinish())}>
          {finishLabel}
        </button>
      </div>
    );
  if (!setup)
    return (
      <div className="mt-6 space-y-3">
        <FormError id="form-error" message={startError} />
        <p className="text-sm text-slate-700">You'll need an authenticator app such as Google Authenticator, Microsoft Authenticator or 1Password.</p>
        <button type="button" onClick={begin} className={primaryButton}>
          Set up authenticator app
        </button>
      </div>
    );
  return (
    <form
      noValidate
      className="mt-6 space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await f.run(val(new FormData(e.currentTarget), "code"));
        if (r.ok) setCodes(r.data.recoveryCodes);
      }}
    >
      <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>Scan this QR code with your authenticator app.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="flex flex-col items-center gap-2 sm:flex-row sm:items-start">
        <Image src={setup.qrDataUrl} alt="QR code to add CareAccess to your authenticator app" width={180} height={180} unoptimized className="rounded border border-slate-200" />
        <div className="text-xs text-slate-600">
          <p>Can't scan it? Enter this key instead:</p>
          <code className="mt-1 block break-all rounded bg-slate-100 px-2 py-1 font-mono text-slate-900" data-testid="totp-secret">
            {setup.secret}
          </code>
        </div>
      </div>
      <FormError id="form-error" message={formMessage(f.error)} />
      <Field id="code" label="6-digit code" inputMode="numeric" autoComplete="one-time-code" errors={f.fields?.code} />
      <button type="submit" disabled={f.pending} className={`w-full ${primaryButton}`}>
        {f.pending ? "Checking…" : "Turn on two-factor authentication"}
      </button>
    </form>
  );
}

/** Change your own password: current, new, new again. */
export function ChangePasswordForm({ hint, after }: { hint: string; after?: string }) {
  const router = useRouter();
  const f = useServerAction(post<{ message: string }>("/api/account/password"));
  const [done, setDone] = useState<string | null>(null);
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const el = e.currentTarget;
    const form = new FormData(el);
    const r = await f.run({ current: val(form, "current"), password: val(form, "password"), confirm: val(form, "confirm") });
    if (!r.ok) return;
    el.reset();
    setDone(r.data.message);
    if (after) {
      router.replace(after);
      router.refresh();
    }
  }
  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4">
      <Notice message={done} />
      <FormError id="form-error" message={formMessage(f.error)} />
      <Field id="current" label="Current password" type="password" autoComplete="current-password" errors={f.fields?.current} />
      <Field id="password" label="New password" type="password" autoComplete="new-password" hint={hint} errors={f.fields?.password} />
      <Field id="confirm" label="Type the new password again" type="password" autoComplete="new-password" errors={f.fields?.confirm} />
      <button type="submit" disabled={f.pending} className={primaryButton}>
        {f.pending ? "Saving…" : "Change password"}
      </button>
    </form>
  );
}

/** Asks for the password again when the server answers that a sensitive action needs it. */
export function ReauthPrompt({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const f = useServerAction(post<unknown>("/api/account/reauth"));
  return (
    <form
      noValidate
      className="space-y-3 rounded-md border border-amber-200 bg-amber-50 p-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await f.run({ password: val(new FormData(e.currentTarget), "reauth-password") });
        if (r.ok) onDone();
      }}
    >
      <p className="text-sm text-amber-900">For your security, confirm your password to continue.</p>
      <FormError message={formMessage(f.error)} id="reauth-error" />
      <Field id="reauth-password" label="Your password" type="password" autoComplete="current-password" errors={f.fields?.password} />
      <div className="flex gap-2">
        <button type="submit" disabled={f.pending} className={primaryButton}>
          Confirm
        </button>
        <button type="button" onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function TwoFactorSettings({ enabled, required, recoveryLeft }: { enabled: boolean; required: boolean; recoveryLeft: number }) {
  const router = useRouter();
  const [reauth, setReauth] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function disable() {
    const r = await fetchJson("/api/account/two-factor", { method: "DELETE" });
    if (r.ok) return router.refresh();
    if (r.error.fields?.reauth) return setReauth(true);
    setError(r.error.message);
  }
  if (enabled)
    return (
      <div className="space-y-3">
        <p className="text-sm text-slate-700">
          <span className="mr-2 rounded-full bg-emerald-50 px-2.5 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200">On</span>
          Authenticator app. {recoveryLeft} recovery {recoveryLeft === 1 ? "code" : "codes"} left.
        </p>
        <FormError id="form-error" message={error} />
        {reauth ? (
          <ReauthPrompt onCancel={() => setReauth(false)} onDone={() => { setReauth(false); void disable(); }} />
        ) : required ? (
          <p className="text-sm text-slate-600">Your organisation requires two-factor authentication.</p>
        ) : (
          <button type="button" onClick={disable} className={dangerButton}>
            Turn off two-factor authentication
          </button>
        )}
      </div>
    );
  return (
    <div>
      <p className="text-sm text-slate-700">
        <span className="mr-2 rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-700">Off</span>
        {required ? "Your organisation requires it: you'll be asked to set it up at your next sign-in." : "Add a second step to signing in with an authenticator app."}
      </p>
      <TotpEnrolment
        start={() => fetchJson<{ qrDataUrl: string; secret: string }>("/api/account/two-factor", { method: "POST", body: {} })}
        confirm={(code) => fetchJson<{ recoveryCodes: string[] }>("/api/account/two-factor/confirm", { method: "POST", body: { code } })}
        finishLabel="Done"
        onFinish={async () => {
          router.refresh();
          return null;
        }}
      />
    </div>
  );
}

export type DeviceRow = { id: string; device: string; ip: string | null; lastSeenAt: string; createdAt: string; current: boolean };

export function DevicesList({ sessions }: { sessions: DeviceRow[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fmt = (iso: string) => new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
  async function end(id: string) {
    const r = await fetchJson<{ current: boolean }>(`/api/account/sessions/${id}`, { method: "DELETE" });
    if (!r.ok) return setError(r.error.message);
    if (r.data.current) return router.replace("/login?signedOut=1");
    setMessage("That device was signed out.");
    router.refresh();
  }
  async function endOthers() {
    const r = await fetchJson<{ ended: number }>("/api/account/sessions", { method: "DELETE" });
    if (!r.ok) return setError(r.error.message);
    setMessage(`Signed out ${r.data.ended} other ${r.data.ended === 1 ? "device" : "devices"}.`);
    router.refresh();
  }
  return (
    <div className="space-y-3">
      <Notice message={message} />
      <FormError id="form-error" message={error} />
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="devices">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3" data-testid="device">
            <div className="min-w-0">
              <p className="font-medium text-slate-900">
                {s.device}
                {s.current && <span className="ml-2 rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700 ring-1 ring-brand-100">This device</span>}
              </p>
              <p className="text-xs text-slate-600">
                {s.ip ?? "Unknown address"} · last active {fmt(s.lastSeenAt)} · signed in {fmt(s.createdAt)}
              </p>
            </div>
            <button type="button" onClick={() => end(s.id)} className={secondaryButton} aria-label={`Sign out ${s.device}${s.current ? " (this device)" : ""}, last active ${fmt(s.lastSeenAt)}`}>
              Sign out
            </button>
          </li>
        ))}
      </ul>
      {sessions.length > 1 && (
        <button type="button" onClick={endOthers} className={dangerButton}>
          Sign out everywhere else
        </button>
      )}
    </div>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700">
        Save these recovery codes somewhere safe. Each works once if you lose your phone. <strong>They won't be shown again.</strong>
      </p>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-900" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
    </div>
  );
}
