import type { Metadata } from "next";
import { HandleCall } from "@/components/billing/handle-call";
import { CareHeader, EmptyState, cardClass } from "@/components/care/ui";
import { callsPlace, listCalls } from "@/lib/calls/calls";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Calls" };

export default async function CallsPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, node } = await requirePage((await params).nodeId, "calls");
  const place = callsPlace(subject, node.id)!;
  const calls = await listCalls(await prisma(), subject, place);
  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader title="Calls" subtitle={`${place.name} · the call log and AI transcriptions`} />
      </section>
      {calls.length === 0 ? (
        <EmptyState title="No calls" testId="calls-empty" />
      ) : (
        <section className={cardClass} aria-label="Call log">
          <ul className="divide-y divide-slate-100">
            {calls.map((c) => (
              <li key={c.id} className="py-3" data-testid="call-row">
                <p className="text-sm font-medium text-slate-900">
                  {c.callerName} · {c.callerPhone} · <span className="text-slate-600">{c.status}</span>
                </p>
                <p className="text-xs text-slate-600">
                  {c.location} · {c.startedAt.slice(0, 16).replace("T", " ")} UTC · {Math.round(c.durationSeconds / 60)} min
                  {c.assignee ? ` · task of ${c.assignee}` : " · unassigned"}
                  {c.patient ? ` · patient ${c.patient}` : ""}
                </p>
                {c.transcript !== undefined && (
                  <p className="mt-1 text-sm text-slate-700" data-testid="call-transcript">
                    {c.transcript}
                  </p>
                )}
                {c.summary && <p className="mt-1 text-sm text-slate-700">Handled: {c.summary}</p>}
                {c.canHandle && <HandleCall nodeId={place.id} callId={c.id} />}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
