"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { signInSchema } from "@/lib/auth/credentials";
import { safeNextPath } from "@/lib/security/next-path";

type Errors = { email?: string; password?: string; form?: string };

export function LoginForm({ next, email }: { next: string; email?: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  // Until React has taken over the form, a click would submit it natively (a GET with the password
  // in the URL): the button stays disabled until then.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      const fieldErrors: Errors = {};
      for (const issue of parsed.error.issues) fieldErrors[issue.path[0] as "email" | "password"] ??= issue.message;
      setErrors(fieldErrors);
      return;
    }
    setErrors({});
    setPending(true);
    try {
      const result = await signIn("credentials", { ...parsed.data, redirect: false });
      const step = result?.error?.match(/^(two_factor|enrol):([A-Za-z0-9_-]+)$/);
      if (step) {
        // A second step: two-factor code, or enrolment when the organisation requires it.
        router.push(`/login/two-factor?c=${step[2]}${step[1] === "enrol" ? "&enrol=1" : ""}&next=${encodeURIComponent(safeNextPath(next))}`);
        return;
      }
      if (!result || result.error) {
        setErrors({ form: result?.error && result.error !== "CredentialsSignin" ? result.error : "Email or password is incorrect." });
        setPending(false);
        return;
      }
      router.replace(safeNextPath(next));
      router.refresh();
    } catch {
      setErrors({ form: "We couldn't reach CareAccess. Check your connection and try again." });
      setPending(false);
    }
  }

  /** Single sign-on by the email's domain: the server finds the organisation's IdP and redirects there. */
  function continueWithSso() {
    const email = signInSchema.shape.email.safeParse((document.getElementById("email") as HTMLInputElement | null)?.value ?? "");
    if (!email.success) {
      setErrors({ email: email.error.issues[0]?.message ?? "Enter your email address." });
      return;
    }
    setErrors({});
    window.location.assign(`/api/sso/start?${new URLSearchParams({ email: email.data, next: safeNextPath(next) })}`);
  }

  const input =
    "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-slate-900 shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-[invalid=true]:border-red-600";
  return (
    <form onSubmit={onSubmit} method="post" noValidate className="mt-6 space-y-4" aria-describedby={errors.form ? "form-error" : undefined}>
      {errors.form && (
        <p id="form-error" role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {errors.form}
        </p>
      )}
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required defaultValue={email} aria-invalid={Boolean(errors.email)} aria-describedby={errors.email ? "email-error" : undefined} className={input} />
        {errors.email && (
          <p id="email-error" className="mt-1 text-sm text-red-700">
            {errors.email}
          </p>
        )}
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={Boolean(errors.password)} aria-describedby={errors.password ? "password-error" : undefined} className={input} />
        {errors.password && (
          <p id="password-error" className="mt-1 text-sm text-red-700">
            {errors.password}
          </p>
        )}
      </div>
      <p className="text-right text-sm">
        <a href="/forgot-password" className="text-brand-700 underline hover:text-brand-800">
          Forgot your password?
        </a>
      </p>
      <button type="submit" disabled={pending || !ready} className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-70">
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200" />
        or
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <button type="button" onClick={continueWithSso} disabled={!ready} className="w-full rounded-md border border-slate-300 bg-white px-4 py-2.5 font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:opacity-70">
        Continue with SSO
      </button>
      <p className="text-center text-xs text-slate-600">For organisations that sign in through their own identity provider: enter your work email, then continue.</p>
    </form>
  );
}

/** Development convenience: fills the form with a demo account (the form still signs in normally). */
export function DemoAccountList({ accounts, password }: { accounts: { email: string; about: string }[]; password: string }) {
  const fill = (email: string) => {
    const set = (id: string, value: string) => {
      const input = document.getElementById(id) as HTMLInputElement | null;
      if (input) input.value = value;
    };
    set("email", email);
    set("password", password);
    document.getElementById("password")?.focus();
  };
  return (
    <ul className="mt-3 divide-y divide-slate-100">
      {accounts.map((a) => (
        <li key={a.email}>
          <button type="button" onClick={() => fill(a.email)} className="w-full rounded-md px-2 py-2 text-left hover:bg-slate-50">
            <span className="font-mono text-slate-900">{a.email}</span>
            <span className="block text-xs text-slate-600">{a.about}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
