import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Logo } from "@/components/logo";
import { DemoAccountList, LoginForm } from "@/components/login-form";
import { currentSession } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { safeNextPath } from "@/lib/security/next-path";
import { ssoMessage } from "@/lib/identity/errors";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "@/prisma/demo-accounts";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  if (await currentSession()) redirect("/");
  const params = await searchParams;
  const notice = params.signedOut
    ? "You have signed out."
    : params.activated
      ? "Your account is active. Sign in with your new password."
      : params.reset
        ? "Your password was changed. Sign in with your new password."
        : params.expired
          ? "Your session has ended. Please sign in again."
          : null;
  const showDemo = config().showDemoAccounts;
  const ssoError = ssoMessage(params.sso_error);
  return (
    <main className="mx-auto flex min-h-screen max-w-5xl flex-col items-center gap-6 px-4 py-12 lg:flex-row lg:items-start lg:justify-center">
      <div className="w-full max-w-md lg:sticky lg:top-12">
        <div className="mb-6 flex justify-center text-2xl">
          <Logo />
        </div>
        <div className="rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
          <h1 className="text-xl font-semibold">Sign in</h1>
          <p className="mt-1 text-sm text-slate-600">Use the email address your practice or care team invited.</p>
          {notice && (
            <p role="status" className="mt-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
              {notice}
            </p>
          )}
          {ssoError && (
            <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="sso-error">
              {ssoError}
            </p>
          )}
          <LoginForm next={safeNextPath(params.next)} email={params.email?.slice(0, 254)} />
        </div>
      </div>
      {showDemo && (
        <section aria-labelledby="demo-accounts" className="w-full max-w-md rounded-2xl border border-slate-200 bg-white p-6 text-sm shadow-sm lg:mt-14">
          <h2 id="demo-accounts" className="font-semibold">Demo accounts</h2>
          <p className="mt-1 text-slate-600">
            Every account uses the password <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-800">{DEMO_PASSWORD}</code>. Choose one to fill in the form.
          </p>
          <DemoAccountList accounts={DEMO_ACCOUNTS} password={DEMO_PASSWORD} />
        </section>
      )}
    </main>
  );
}
