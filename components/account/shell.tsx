import Link from "next/link";
import { Logo } from "@/components/logo";

/** The centred card the public account pages share with the sign-in page. */
export function AuthShell({ title, subtitle, children, wide = false }: { title: string; subtitle?: React.ReactNode; children: React.ReactNode; wide?: boolean }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-5xl flex-col items-center px-4 py-12">
      <div className={`w-full ${wide ? "max-w-xl" : "max-w-md"}`}>
        <div className="mb-6 flex justify-center text-2xl">
          <Link href="/login" className="text-slate-900">
            <Logo />
          </Link>
        </div>
        <div className="rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
          <h1 className="text-xl font-semibold">{title}</h1>
          {subtitle && <div className="mt-1 text-sm text-slate-600">{subtitle}</div>}
          {children}
        </div>
      </div>
    </main>
  );
}

/** A clear explanation when a link can't be used (expired, used, replaced or not valid). */
export function LinkProblem({ message, action }: { message: string; action: { href: string; label: string } }) {
  return (
    <div className="mt-6 space-y-4">
      <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="link-problem">
        {message}
      </p>
      <Link href={action.href} className="inline-block rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white shadow-sm hover:bg-brand-700">
        {action.label}
      </Link>
    </div>
  );
}

export function Section({ id, title, description, children }: { id: string; title: string; description?: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}
