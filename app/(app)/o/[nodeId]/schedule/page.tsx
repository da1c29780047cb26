import type { Metadata } from "next";
import Link from "next/link";
import { CareHeader, EmptyState, cardClass, linkButton } from "@/components/care/ui";
import { AppointmentActions } from "@/components/schedule/appointment-actions";
import { BookingForm } from "@/components/schedule/booking-form";
import { FilterSelect } from "@/components/ui/select";
import { addDays, dayLabel, timeLabel, weekdayOf } from "@/lib/care/time";
import { pageAccess } from "@/lib/context/pages";
import { requirePage } from "@/lib/context/server";
import { prisma } from "@/lib/db";
import { STATUS_LABELS, type AppointmentView } from "@/lib/schedule/appointments";
import { calendarQuery, loadCalendar, workingSpans, type Calendar } from "@/lib/schedule/calendar";

export const metadata: Metadata = { title: "Schedule" };

const STATUS_STYLE: Record<string, string> = {
  scheduled: "bg-brand-50 text-brand-800 ring-brand-200",
  checked_in: "bg-amber-50 text-amber-900 ring-amber-200",
  completed: "bg-emerald-50 text-emerald-900 ring-emerald-200",
  cancelled: "bg-slate-100 text-slate-600 ring-slate-200 line-through",
  no_show: "bg-red-50 text-red-800 ring-red-200",
};

const patientName = (a: AppointmentView) => a.patient.name ?? "Patient (hidden)";

/** The week grid's narrow cells: the status as a coloured edge and a short word, not a pill. */
const EDGE: Record<string, string> = { scheduled: "border-l-brand-600 text-brand-800", checked_in: "border-l-amber-500 text-amber-900", completed: "border-l-emerald-600 text-emerald-800", cancelled: "border-l-slate-400 text-slate-500", no_show: "border-l-red-600 text-red-700" };

function Status({ status }: { status: AppointmentView["status"] }) {
  return <span className={`mt-0.5 inline-block rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STATUS_STYLE[status] ?? ""}`}>{STATUS_LABELS[status] ?? status}</span>;
}

export default async function SchedulePage({ params, searchParams }: { params: Promise<{ nodeId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { subject, node } = await requirePage((await params).nodeId, "schedule");
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" ? (sp[k] as string) : undefined);
  const query = calendarQuery.parse({ view: one("view"), date: one("date"), provider: one("provider") || undefined, location: one("location") || undefined });
  const db = await prisma();
  const cal = await loadCalendar(db, subject, node, query);
  const base = `/o/${node.id}/schedule`;
  const href = (over: Partial<{ view: string; date: string }>) => {
    const q = new URLSearchParams({ view: over.view ?? cal.view, date: over.date ?? cal.date });
    if (cal.location) q.set("location", cal.location.id);
    if (cal.providerParam) q.set("provider", cal.providerParam);
    return `${base}?${q}`;
  };
  const step = cal.view === "day" ? 1 : 7;
  const title = cal.view === "day" ? dayLabel(cal.date, "long") : `${dayLabel(cal.days[0], "long")} – ${dayLabel(cal.days[6], "long")}`;
  const shownProviders = cal.provider ? [cal.provider] : cal.providers;
  const canEditHours = pageAccess(subject, node, "schedule.hours") === "ok";

  return (
    <div className="space-y-4">
      <section className={cardClass} aria-labelledby="care-page-title">
        <CareHeader
          title="Schedule"
          subtitle={
            <>
              {title} · {cal.location?.name ?? node.name} · times in {cal.timeZone.replace(/_/g, " ")}
            </>
          }
        >
          {canEditHours && (
            <Link href={`${base}/hours`} className={linkButton.secondary}>
              Provider hours
            </Link>
          )}
        </CareHeader>
        <div className="mt-4 flex flex-wrap items-end justify-between gap-3">
          <nav aria-label="Calendar" className="flex flex-wrap items-center gap-2 text-sm">
            <Link href={href({ view: "day", date: cal.view === "day" ? cal.date : cal.days.includes(cal.today) ? cal.today : cal.date })} className={cal.view === "day" ? linkButton.primary : linkButton.secondary} aria-current={cal.view === "day" ? "page" : undefined}>
              Day
            </Link>
            <Link href={href({ view: "week" })} className={cal.view === "week" ? linkButton.primary : linkButton.secondary} aria-current={cal.view === "week" ? "page" : undefined}>
              Week
            </Link>
            <span className="mx-1 h-6 w-px bg-slate-200" aria-hidden="true" />
            <Link href={href({ date: addDays(cal.date, -step) })} className={linkButton.secondary} aria-label={cal.view === "day" ? "Previous day" : "Previous week"}>
              ← Previous
            </Link>
            <Link href={href({ date: cal.today })} className={linkButton.secondary}>
              Today
            </Link>
            <Link href={href({ date: addDays(cal.date, step) })} className={linkButton.secondary} aria-label={cal.view === "day" ? "Next day" : "Next week"}>
              Next →
            </Link>
          </nav>
          <form action={base} className="flex flex-wrap items-end gap-2" aria-label="Filter the calendar">
            <input type="hidden" name="view" value={cal.view} />
            <input type="hidden" name="date" value={cal.date} />
            {cal.locations.length > 1 && <FilterSelect label="Location" name="location" options={cal.locations} all={{ value: "", label: "All locations" }} defaultValue={cal.location?.id ?? ""} />}
            {cal.providers.length > 1 && <FilterSelect label="Provider" name="provider" options={cal.providers} all={{ value: "all", label: "All providers" }} defaultValue={cal.provider?.id ?? "all"} />}
            {(cal.locations.length > 1 || cal.providers.length > 1) && (
              <button type="submit" className={linkButton.secondary}>
                Show
              </button>
            )}
          </form>
        </div>
      </section>

      {shownProviders.length === 0 ? (
        <EmptyState title="No providers or appointments here" testId="schedule-empty">
          {cal.locations.length === 0 ? "There are no locations here whose appointments your role can read." : "When a provider has hours here, or an appointment is booked, it shows on the calendar."}
        </EmptyState>
      ) : cal.view === "week" ? (
        <WeekGrid cal={cal} providers={shownProviders} dayHref={(d) => href({ view: "day", date: d })} />
      ) : (
        <DayGrid cal={cal} providers={shownProviders} />
      )}

      {cal.booking && (
        <section className={cardClass} aria-labelledby="book-heading">
          <h3 id="book-heading" className="font-semibold text-slate-900">
            Book an appointment
          </h3>
          <p className="mt-1 text-sm text-slate-600">Only the provider&apos;s free times are offered. If someone books the same time first, you&apos;ll see why it was refused.</p>
          <div className="mt-4">
            <BookingForm
              locations={cal.booking.locations}
              patients={cal.booking.patients}
              date={cal.view === "day" ? cal.date : cal.days.includes(cal.today) ? cal.today : cal.date}
              defaultLocation={cal.location?.id}
              defaultProvider={cal.provider?.id}
            />
          </div>
        </section>
      )}
    </div>
  );
}

function WeekGrid({ cal, providers, dayHref }: { cal: Calendar; providers: { id: string; name: string }[]; dayHref: (d: string) => string }) {
  return (
    <section className={`${cardClass} p-0`} aria-labelledby="week-grid">
      <h3 id="week-grid" className="sr-only">
        Week calendar
      </h3>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[640px] table-fixed border-collapse text-left text-sm" data-testid="week-grid">
          <caption className="sr-only">Appointments per provider and day; each day links to its day view.</caption>
          <thead>
            <tr className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <th scope="col" className="w-28 px-3 py-2">
                Provider
              </th>
              {cal.days.map((d) => (
                <th key={d} scope="col" className={`px-2 py-2 ${d === cal.today ? "bg-brand-50 text-brand-800" : ""}`}>
                  <Link href={dayHref(d)} className="underline-offset-2 hover:underline" aria-label={`Day view, ${dayLabel(d, "long")}`}>
                    {dayLabel(d)}
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {providers.map((p) => (
              <tr key={p.id} data-testid="week-row">
                <th scope="row" className="px-3 py-2 align-top text-sm font-medium text-slate-900">
                  {p.name}
                </th>
                {cal.days.map((d) => {
                  const { spans, off } = workingSpans(cal.weeks, p.id, d, weekdayOf(d));
                  const work = spans.filter((s) => s.kind === "work");
                  const list = cal.appointments.filter((a) => a.provider.id === p.id && a.date === d);
                  return (
                    <td key={d} className={`px-2 py-2 align-top ${off || work.length === 0 ? "bg-slate-50" : ""}`} data-testid="week-cell">
                      {off ? <p className="text-xs font-medium text-slate-500">Day off</p> : work.length > 0 && <p className="text-xs text-slate-500">{work.map((w) => `${timeLabel(w.start)}–${timeLabel(w.end)}`).join(", ")}</p>}
                      <ul className="mt-1 space-y-1">
                        {list.map((a) => (
                          <li key={a.id} className={`overflow-hidden rounded-md border border-l-4 border-slate-200 bg-white px-1.5 py-1 text-xs ${EDGE[a.status] ?? ""}`} data-testid="appointment">
                            <span className="block font-medium tabular-nums text-slate-900">{timeLabel(a.start)}</span>
                            <span className="block truncate text-slate-700" title={patientName(a)} data-testid="appointment-patient">
                              {patientName(a)}
                            </span>
                            <span className="block truncate font-medium">{STATUS_LABELS[a.status] ?? a.status}</span>
                          </li>
                        ))}
                      </ul>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const hourOf = (hhmm: string) => Number(hhmm.slice(0, 2));

function DayGrid({ cal, providers }: { cal: Calendar; providers: { id: string; name: string }[] }) {
  const day = cal.date;
  const weekday = weekdayOf(day);
  const perProvider = providers.map((p) => ({ provider: p, ...workingSpans(cal.weeks, p.id, day, weekday), list: cal.appointments.filter((a) => a.provider.id === p.id) }));
  const hours = perProvider.flatMap((x) => [...x.spans.flatMap((s) => [hourOf(s.start), hourOf(s.end) - (s.end.endsWith(":00") ? 1 : 0)]), ...x.list.map((a) => hourOf(a.start))]);
  const first = Math.min(8, ...hours);
  const last = Math.max(17, ...hours);
  const rows = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const working = (x: (typeof perProvider)[number], h: number) => {
    const at = `${String(h).padStart(2, "0")}:00`;
    const inWork = x.spans.some((s) => s.kind === "work" && s.start <= at && at < s.end);
    const inBreak = x.spans.some((s) => s.kind === "break" && s.start <= at && at < s.end);
    return !x.off && inWork && !inBreak;
  };
  return (
    <section className={`${cardClass} p-0`} aria-labelledby="day-grid">
      <h3 id="day-grid" className="sr-only">
        Day calendar
      </h3>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-left text-sm" style={{ minWidth: `${120 + providers.length * 260}px` }} data-testid="day-grid">
          <caption className="sr-only">Appointments by hour and provider on {dayLabel(day, "long")}. Shaded hours are outside the provider&apos;s hours, a break or a day off.</caption>
          <thead>
            <tr className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <th scope="col" className="w-24 px-3 py-2">
                Time
              </th>
              {perProvider.map((x) => (
                <th key={x.provider.id} scope="col" className="px-3 py-2">
                  {x.provider.name}
                  {x.off && <span className="ml-2 normal-case text-slate-500">(day off)</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((h) => (
              <tr key={h}>
                <th scope="row" className="px-3 py-2 align-top text-xs font-medium tabular-nums text-slate-500">
                  {timeLabel(`${String(h).padStart(2, "0")}:00`)}
                </th>
                {perProvider.map((x) => {
                  const list = x.list.filter((a) => hourOf(a.start) === h);
                  return (
                    <td key={x.provider.id} className={`px-3 py-2 align-top ${working(x, h) ? "" : "bg-slate-50"}`}>
                      <ul className="space-y-2">
                        {list.map((a) => (
                          <li key={a.id} className="rounded-md border border-slate-200 bg-white p-2 shadow-sm" data-testid="appointment">
                            <div className="flex flex-wrap items-center justify-between gap-2">
                              <span className="text-sm font-medium tabular-nums text-slate-900">
                                {timeLabel(a.start)}–{timeLabel(a.end)}
                              </span>
                              <Status status={a.status} />
                            </div>
                            <p className="text-sm text-slate-800" data-testid="appointment-patient">
                              {patientName(a)}
                            </p>
                            <p className="text-xs text-slate-500">
                              {a.reason || "Appointment"} · {a.location}
                            </p>
                            <AppointmentActions appt={{ id: a.id, date: a.date, start: a.start, status: a.status, minutes: a.minutes, label: `${patientName(a)} at ${timeLabel(a.start)}`, can: a.can }} />
                          </li>
                        ))}
                      </ul>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
