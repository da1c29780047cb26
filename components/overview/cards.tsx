import Link from "next/link";
import { dayLabel, timeLabel } from "@/lib/care/time";
import type { Overview } from "@/lib/overview/overview";

/** The cards of a place's overview (server components: markup only; the data and what shows come from lib/overview). */

function Card({ id, title, hint, href, linkLabel, children }: { id: string; title: string; hint?: string; href?: string; linkLabel?: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid={id}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {href && (
          <Link href={href} className="text-sm font-medium text-brand-700 hover:underline">
            {linkLabel}
          </Link>
        )}
      </div>
      {hint && <p className="mt-0.5 text-xs text-slate-600">{hint}</p>}
      <div className="mt-3">{children}</div>
    </section>
  );
}

function Empty({ children, testId }: { children: React.ReactNode; testId: string }) {
  return (
    <p className="rounded-lg border border-dashed border-slate-300 px-3 py-4 text-center text-sm text-slate-600" data-testid={testId}>
      {children}
    </p>
  );
}

export function TeamContacts({ contacts, teamHref }: { contacts: NonNullable<Overview["contacts"]>; teamHref?: string }) {
  return (
    <Card id="team-contacts" title="Team contacts" hint="Who to call about this care team" href={teamHref} linkLabel="Manage team">
      {contacts.length === 0 ? (
        <Empty testId="team-contacts-empty">Nobody has joined this care team yet.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {contacts.map((c) => (
            <li key={c.id} className="py-2 text-sm" data-testid="team-contact">
              <p className="font-medium text-slate-900">
                {c.name} <span className="font-normal text-slate-600">· {c.role}</span>
              </p>
              <p className="mt-0.5 flex flex-wrap gap-x-4 text-slate-700">
                <a href={`mailto:${c.email}`} className="text-brand-700 underline underline-offset-2 hover:no-underline">
                  {c.email}
                </a>
                {c.phone ? (
                  <a href={`tel:${c.phone.replace(/[^+\d]/g, "")}`} className="text-brand-700 underline underline-offset-2 hover:no-underline">
                    {c.phone}
                  </a>
                ) : (
                  <span className="text-slate-600">no phone number</span>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function MyShifts({ shifts, scheduleHref }: { shifts: NonNullable<Overview["myShifts"]>; scheduleHref?: string }) {
  return (
    <Card id="my-next-shifts" title="Your next shifts" href={scheduleHref} linkLabel="Open schedule">
      {shifts.length === 0 ? (
        <Empty testId="my-next-shifts-empty">No upcoming shifts are assigned to you.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {shifts.map((s) => (
            <li key={s.id} className="py-2 text-sm" data-testid="my-next-shift">
              <p className="font-medium text-slate-900">{dayLabel(s.date, "long")}</p>
              <p className="text-slate-700">
                <span className="tabular-nums">
                  {timeLabel(s.start)} – {timeLabel(s.end)}
                </span>{" "}
                · {s.title}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function TodaysAppointments({ appointments }: { appointments: NonNullable<Overview["appointments"]> }) {
  return (
    <Card id="todays-appointments" title="Today's appointments" hint="Here and below, as your role shows them">
      {appointments.length === 0 ? (
        <Empty testId="todays-appointments-empty">No appointments today.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {appointments.map((a) => (
            <li key={a.id} className="flex flex-wrap justify-between gap-2 py-2 text-sm" data-testid="todays-appointment">
              <span>
                <span className="font-medium tabular-nums">{timeLabel(a.time)}</span> · {a.patient}
                {a.reason && <span className="text-slate-600"> · {a.reason}</span>}
              </span>
              <span className="text-slate-600">
                {a.provider} · {a.place} · {a.status}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function ExpiringAccess({ rows, usersHref }: { rows: NonNullable<Overview["expiring"]>; usersHref: string }) {
  return (
    <Card id="expiring-access" title="Access ending soon" hint="Roles here or below that end in the next 14 days">
      {rows.length === 0 ? (
        <Empty testId="expiring-access-empty">No one&apos;s access ends in the next 14 days.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {rows.map((r) => (
            <li key={r.id} className="flex flex-wrap justify-between gap-2 py-2 text-sm" data-testid="expiring">
              <Link href={`${usersHref}/${r.userId}`} className="font-medium text-brand-700 hover:underline">
                {r.name}
              </Link>
              <span className="text-slate-700">
                {r.role} at {r.place} · ends {dayLabel(r.date, "long")}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

const ALERT_LABEL: Record<string, string> = {
  "auth.account_locked": "Account locked after failed sign-ins",
  "auth.ip_blocked": "Sign-in blocked from a network not allowed",
  "auth.2fa_disabled": "Two-factor authentication turned off",
  "auth.recovery_code_used": "Recovery code used to sign in",
  "auth.password_reset": "Password reset",
  "member.suspended": "Member suspended",
  "member.disabled": "Account disabled",
  "member.removed": "Member removed",
  "member.deleted": "Account deleted",
  "settings.security_changed": "Security settings changed",
};

export function SecurityAlerts({ alerts }: { alerts: NonNullable<Overview["alerts"]> }) {
  return (
    <Card id="security-alerts" title="Security alerts" hint="The organization's last 30 days">
      {alerts.length === 0 ? (
        <Empty testId="security-alerts-empty">No security alerts in the last 30 days.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {alerts.map((a) => (
            <li key={a.id} className="flex flex-wrap justify-between gap-2 py-2 text-sm" data-testid="security-alert">
              <span className="font-medium text-slate-900">
                {ALERT_LABEL[a.action] ?? a.action}
                {a.target && <span className="font-normal text-slate-700"> · {a.target}</span>}
              </span>
              <time dateTime={a.at} className="tabular-nums text-slate-600">
                {dayLabel(a.date.slice(0, 10))} {timeLabel(a.date.slice(11))}
              </time>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
