import type { Metadata } from "next";
import { LogCareForm } from "@/components/care/log-form";
import { CareHeader, EmptyState, cardClass } from "@/components/care/ui";
import { decide } from "@/lib/authz";
import { canMarkSensitive, listEvents } from "@/lib/care/log";
import { requireCarePage } from "@/lib/context/server";
import { dayLabel, localDate, localTime, timeLabel } from "@/lib/care/time";
import { holds } from "@/lib/context/enterable";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Care log" };

export default async function CareLogPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, profile } = await requireCarePage((await params).nodeId, "care.log");
  const canLog = decide(subject, "care_events.create", { nodeId: profile.id, ownerId: subject.userId });
  const canRead = holds(subject, "care_events.read", profile.id);
  const readsAll = decide(subject, "care_events.read", { nodeId: profile.id });
  const db = await prisma();
  const { rows, total } = canRead ? await listEvents(db, subject, profile) : { rows: [], total: 0 };
  const now = new Date();

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader
          title="Care log"
          subtitle={`${readsAll ? "Meals, medication, visits and notes from the whole team" : "The care you have logged"} for ${profile.name} (times in ${profile.timeZone.replace(/_/g, " ")}).`}
        />
        {canLog && (
          <div className="mt-4 border-t border-slate-100 pt-4">
            <h3 className="mb-3 text-sm font-semibold text-slate-800">Log Care</h3>
            <LogCareForm nodeId={profile.id} today={localDate(now, profile.timeZone)} now={localTime(now, profile.timeZone)} canMarkSensitive={canMarkSensitive(subject, profile.id)} />
          </div>
        )}
      </section>

      {canRead &&
        (rows.length === 0 ? (
          <EmptyState title="Nothing logged yet" testId="log-empty">
            {canLog ? "Entries you log appear here, newest first." : "Entries appear here as the team logs care."}
          </EmptyState>
        ) : (
          <section className={cardClass} aria-labelledby="log-entries">
            <h3 id="log-entries" className="text-sm font-semibold text-slate-800">
              {total > rows.length ? `The ${rows.length} most recent of ${total} entries` : `${total} ${total === 1 ? "entry" : "entries"}`}
            </h3>
            <ul className="mt-2 divide-y divide-slate-100" data-testid="care-events">
              {rows.map((e) => (
                <li key={e.id} className="py-3" data-testid="care-event">
                  <div className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">{e.kindLabel}</span>
                    {e.sensitive && <span className="rounded-full bg-purple-50 px-2 py-0.5 text-xs font-medium text-purple-800 ring-1 ring-purple-200">Sensitive</span>}
                    <span className="text-slate-600">
                      <time dateTime={e.occurredAt}>
                        {dayLabel(e.date)} · {timeLabel(e.time)}
                      </time>{" "}
                      · {e.author.name}
                    </span>
                  </div>
                  <p className="mt-1 whitespace-pre-line break-words text-sm text-slate-900">{e.note}</p>
                </li>
              ))}
            </ul>
          </section>
        ))}
    </div>
  );
}
