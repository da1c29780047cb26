import type { Metadata } from "next";
import { AddShiftButton, ShiftActions } from "@/components/care/shift-controls";
import { CareHeader, EmptyState, WeekNav, cardClass, linkButton, weekTitle } from "@/components/care/ui";
import { decide } from "@/lib/authz";
import { requireCarePage } from "@/lib/context/server";
import { careTeam, listShifts } from "@/lib/care/schedule";
import { dayLabel, localDate, timeLabel, weekOf } from "@/lib/care/time";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Schedule" };

export default async function SchedulePage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<{ week?: string; export?: string }> }) {
  const { subject, profile } = await requireCarePage((await params).nodeId, "care.schedule");
  const query = await searchParams;
  const week = weekOf(profile.timeZone, query.week);
  const current = weekOf(profile.timeZone).monday;
  const at = { nodeId: profile.id };
  // Everyone's shifts with care_schedule.read on the profile; only one's own with the "assigned" scope.
  const everyone = decide(subject, "care_schedule.read", at);
  const may = {
    create: decide(subject, "care_schedule.create", at),
    edit: decide(subject, "care_schedule.edit", at),
    delete: decide(subject, "care_schedule.delete", at),
    export: decide(subject, "care_schedule.export", at),
  };
  const db = await prisma();
  const [shifts, team] = await Promise.all([listShifts(db, subject, profile, week), may.create || may.edit ? careTeam(db, profile.id) : Promise.resolve([])]);
  const teamOptions = team.map((m) => ({ id: m.id, name: m.name, role: m.role }));
  const exportHref = `/api/care/${profile.id}/schedule/export?week=${week.monday}`;
  const today = localDate(new Date(), profile.timeZone);
  const byDay = new Map(week.days.map((d) => [d, shifts.filter((s) => s.date === d)]));
  const title = everyone ? "Schedule" : "My schedule";

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader
          title={title}
          subtitle={
            <>
              {weekTitle(week.days)} · times in {profile.timeZone.replace(/_/g, " ")}
              {!everyone && <> · only the shifts assigned to you</>}
            </>
          }
        >
          {may.create && <AddShiftButton nodeId={profile.id} team={teamOptions} date={week.days.includes(today) ? today : week.monday} />}
          {may.export && (
            <a href={exportHref} download className={linkButton.secondary} data-testid="export-schedule">
              Export Schedule
            </a>
          )}
        </CareHeader>
        <div className="mt-4">
          <WeekNav base={`/o/${profile.id}/care/schedule`} week={week} current={current} />
        </div>
      </section>

      {query.export === "1" && may.export && (
        <section className="rounded-xl border border-brand-100 bg-brand-50 p-5" aria-labelledby="export-heading" data-testid="export-panel">
          <h3 id="export-heading" className="font-semibold text-brand-800">
            Export the schedule
          </h3>
          <p className="mt-1 text-sm text-slate-700">
            A CSV file (opens in any spreadsheet) with the {shifts.length} {shifts.length === 1 ? "shift" : "shifts"} of {weekTitle(week.days)}. Exports are recorded in the audit log.
          </p>
          <a href={exportHref} download className={`${linkButton.primary} mt-3`}>
            Download CSV
          </a>
        </section>
      )}
      {query.export === "1" && !may.export && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Your role here doesn&apos;t include exporting the schedule.
        </p>
      )}

      {shifts.length === 0 ? (
        <EmptyState title={everyone ? "No shifts this week" : "No shifts assigned to you this week"} testId="schedule-empty">
          {may.create ? "Add a shift to start the week's schedule." : everyone ? "When shifts are added they show here." : "When someone assigns you a shift it shows here. Try the next week."}
        </EmptyState>
      ) : (
        <ol className="space-y-3" aria-label={`Shifts, ${weekTitle(week.days)}`} data-testid="shift-days">
          {week.days.map((day) => {
            const list = byDay.get(day) ?? [];
            return (
              <li key={day} className={`${cardClass} p-4`}>
                <h3 className="text-sm font-semibold text-slate-800">
                  {dayLabel(day, "long")}
                  {day === today && <span className="ml-2 rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">Today</span>}
                </h3>
                {list.length === 0 ? (
                  <p className="mt-1 text-sm text-slate-500">No shifts</p>
                ) : (
                  <ul className="mt-2 divide-y divide-slate-100">
                    {list.map((s) => (
                      <li key={s.id} className="flex flex-wrap items-start justify-between gap-3 py-2" data-testid="shift">
                        <div className="min-w-0">
                          <p className="text-sm font-medium text-slate-900">
                            <span className="tabular-nums">
                              {timeLabel(s.start)} – {timeLabel(s.end)}
                            </span>{" "}
                            · {s.title}
                          </p>
                          <p className="mt-0.5 text-sm text-slate-600">
                            {s.assignee ? (
                              <span data-testid="shift-assignee">{s.assignee.name}</span>
                            ) : (
                              <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-200" data-testid="shift-assignee">
                                Open shift
                              </span>
                            )}
                          </p>
                          {s.notes && <p className="mt-0.5 break-words text-sm text-slate-500">{s.notes}</p>}
                        </div>
                        {(may.edit || may.delete) && (
                          <ShiftActions
                            nodeId={profile.id}
                            team={teamOptions}
                            canEdit={may.edit}
                            canDelete={may.delete}
                            shift={{ id: s.id, title: s.title, date: s.date, start: s.start, end: s.end, assigneeId: s.assignee?.id ?? "", notes: s.notes }}
                          />
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
