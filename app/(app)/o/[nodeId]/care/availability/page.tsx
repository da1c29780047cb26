import type { Metadata } from "next";
import { AvailabilityForm } from "@/components/care/availability-form";
import { CareHeader, EmptyState, cardClass } from "@/components/care/ui";
import { decide } from "@/lib/authz";
import { listTeamAvailability, myAvailability } from "@/lib/care/availability";
import { requireCarePage } from "@/lib/context/server";
import { WEEKDAY_NAMES, WEEK_ORDER, timeLabel } from "@/lib/care/time";
import { holds } from "@/lib/context/enterable";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Availability" };

export default async function AvailabilityPage({ params }: { params: Promise<{ nodeId: string }> }) {
  const { subject, profile } = await requireCarePage((await params).nodeId, "care.availability");
  const db = await prisma();
  // Editing is always of one's own week: the record's person is the signed-in person.
  const canEditOwn = decide(subject, "availability.edit", { nodeId: profile.id, ownerId: subject.userId });
  const canReadTeam = holds(subject, "availability.read", profile.id);
  const [mine, team] = await Promise.all([
    canEditOwn ? myAvailability(db, profile.id, subject.userId) : Promise.resolve([]),
    canReadTeam ? listTeamAvailability(db, subject, profile) : Promise.resolve([]),
  ]);
  const tz = profile.timeZone.replace(/_/g, " ");

  return (
    <div className="space-y-4">
      {canEditOwn && (
        <section className={cardClass} aria-labelledby="care-page-title">
          <CareHeader title="My availability" subtitle={`When you can help with ${profile.name}, every week (times in ${tz}).`} />
          <div className="mt-4">
            <AvailabilityForm nodeId={profile.id} initial={mine} />
          </div>
        </section>
      )}
      {canReadTeam && (
        <section className={cardClass} aria-labelledby="team-availability">
          <h2 id="team-availability" className={canEditOwn ? "text-lg font-semibold" : "text-xl font-semibold"} data-testid={canEditOwn ? undefined : "care-page-title"}>
            Team availability
          </h2>
          <p className="mt-1 text-sm text-slate-600">Who can help when, each week (times in {tz}).</p>
          {team.length === 0 ? (
            <div className="mt-4">
              <EmptyState title="Nobody has shared their availability yet" testId="availability-empty">
                Team members add the times they can help on this page.
              </EmptyState>
            </div>
          ) : (
            <div className="relative mt-4 overflow-x-auto">
              <table className="w-full min-w-[36rem] text-left text-sm" data-testid="team-availability">
                <caption className="sr-only">Weekly availability of the care team</caption>
                <thead>
                  <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                    <th scope="col" className="py-2 pr-3 font-medium">
                      Person
                    </th>
                    {WEEK_ORDER.map((d) => (
                      <th key={d} scope="col" className="px-2 py-2 font-medium">
                        <abbr title={WEEKDAY_NAMES[d]} className="no-underline">
                          {WEEKDAY_NAMES[d].slice(0, 3)}
                        </abbr>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {team.map((p) => (
                    <tr key={p.userId}>
                      <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                        {p.name}
                      </th>
                      {WEEK_ORDER.map((d) => {
                        const slots = p.slots.filter((s) => s.weekday === d);
                        return (
                          <td key={d} className="px-2 py-2 align-top text-slate-700">
                            {slots.length === 0 ? (
                              <>
                                <span aria-hidden="true" className="text-slate-500">
                                  –
                                </span>
                                <span className="sr-only">not available</span>
                              </>
                            ) : (
                              slots.map((s) => (
                                <span key={s.start} className="block whitespace-nowrap tabular-nums">
                                  {timeLabel(s.start)}–{timeLabel(s.end)}
                                </span>
                              ))
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
