import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { readMailbox } from "@/lib/email/mailbox";
import { mailboxForRequest } from "@/lib/email/mailbox-request";

export const metadata: Metadata = { title: "Development mailbox" };
export const dynamic = "force-dynamic";

/**
 * Development only: every email the app sent to the development SMTP server, newest first.
 * 404 for anyone but signed-in platform staff on this machine or the e2e run (lib/email/mailbox-access.ts).
 */
export default async function MailboxPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const dir = await mailboxForRequest();
  if (!dir) notFound();
  const { to } = await searchParams;
  const messages = readMailbox(dir, to).slice(0, 100);
  return (
    <main className="mx-auto max-w-4xl space-y-6 px-4 py-10">
      <div>
        <p className="text-xs font-medium uppercase tracking-wide text-amber-700">Development only</p>
        <h1 className="text-2xl font-semibold tracking-tight">Mailbox</h1>
        <p className="mt-1 text-sm text-slate-600">Emails CareAccess sent through its development SMTP server. Nothing here leaves this machine.</p>
        <form className="mt-4 flex flex-wrap items-end gap-2" method="get">
          <div>
            <label htmlFor="to" className="block text-sm font-medium text-slate-700">
              Recipient
            </label>
            <input id="to" name="to" type="email" defaultValue={to} className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm" />
          </div>
          <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50">
            Filter
          </button>
        </form>
      </div>
      {messages.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center text-slate-600">No messages yet.</p>
      ) : (
        <ul className="space-y-4">
          {messages.map((m) => (
            <li key={m.id} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="mail">
              <h2 className="font-semibold">{m.subject}</h2>
              <p className="text-xs text-slate-600">
                To {m.envelopeTo.join(", ")} · {new Date(m.receivedAt).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "medium" })}
              </p>
              <pre className="mt-3 whitespace-pre-wrap break-words font-sans text-sm text-slate-800">{m.text}</pre>
              {m.links.length > 0 && (
                <ul className="mt-3 space-y-1 text-sm">
                  {m.links.map((l) => (
                    <li key={l}>
                      <a href={l} className="break-all text-brand-700 underline">
                        {l}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
