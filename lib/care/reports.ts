import { recordAudit } from "../audit/audit";
import type { Db, Tx } from "../db/client";
import type { Actor } from "../members/admin";
import { careTeam, csv, type CareProfile } from "./common";
import type { Week } from "./time";

export interface ReportRow {
  userId: string | null;
  name: string;
  email: string;
  role: string;
  shifts: number;
  minutes: number;
  events: number;
}
export interface CareReport {
  week: string;
  rows: ReportRow[];
  open: { shifts: number; minutes: number };
  totals: { shifts: number; minutes: number; events: number };
}

/**
 * Per person, for one week of the profile: shifts and hours scheduled (the part of each shift that
 * falls inside the week) and care log entries written. Aggregated in SQL over the profile's rows;
 * the page and the export require care_reports.read / care_reports.export on the whole profile,
 * which is what lets a person see team-wide totals (never the entries themselves).
 */
export async function careReport(db: Db | Tx, profile: CareProfile, week: Pick<Week, "start" | "end" | "monday">): Promise<CareReport> {
  const [team, shifts, events] = await Promise.all([
    careTeam(db, profile.id),
    db.$queryRaw<{ assignee_id: string | null; shifts: bigint; minutes: number | null }[]>`
      SELECT assignee_id, COUNT(*)::bigint AS shifts,
             COALESCE(SUM(EXTRACT(EPOCH FROM (LEAST(ends_at, ${week.end}::timestamptz) - GREATEST(starts_at, ${week.start}::timestamptz)))) / 60, 0)::float8 AS minutes
      FROM care_shifts
      WHERE profile_id = ${profile.id}::uuid AND starts_at < ${week.end}::timestamptz AND ends_at > ${week.start}::timestamptz
      GROUP BY assignee_id`,
    db.$queryRaw<{ author_id: string; events: bigint }[]>`
      SELECT author_id, COUNT(*)::bigint AS events
      FROM care_events
      WHERE profile_id = ${profile.id}::uuid AND occurred_at >= ${week.start}::timestamptz AND occurred_at < ${week.end}::timestamptz
      GROUP BY author_id`,
  ]);
  const shiftsBy = new Map(shifts.map((s) => [s.assignee_id, { shifts: Number(s.shifts), minutes: Math.round(Number(s.minutes ?? 0)) }]));
  const eventsBy = new Map(events.map((e) => [e.author_id, Number(e.events)]));
  const rows: ReportRow[] = team.map((m) => ({
    userId: m.id,
    name: m.name,
    email: m.email,
    role: m.role,
    shifts: shiftsBy.get(m.id)?.shifts ?? 0,
    minutes: shiftsBy.get(m.id)?.minutes ?? 0,
    events: eventsBy.get(m.id) ?? 0,
  }));
  // Work by people who have since left the team still counts, under a neutral name.
  const known = new Set(team.map((m) => m.id));
  const formerIds = new Set([...shiftsBy.keys(), ...eventsBy.keys()].filter((id): id is string => id !== null && !known.has(id)));
  if (formerIds.size) {
    let shiftsN = 0, minutes = 0, eventsN = 0;
    for (const id of formerIds) {
      shiftsN += shiftsBy.get(id)?.shifts ?? 0;
      minutes += shiftsBy.get(id)?.minutes ?? 0;
      eventsN += eventsBy.get(id) ?? 0;
    }
    rows.push({ userId: null, name: "Former team members", email: "", role: "", shifts: shiftsN, minutes, events: eventsN });
  }
  const open = shiftsBy.get(null) ?? { shifts: 0, minutes: 0 };
  return {
    week: week.monday,
    rows,
    open,
    totals: {
      shifts: rows.reduce((n, r) => n + r.shifts, open.shifts),
      minutes: rows.reduce((n, r) => n + r.minutes, open.minutes),
      events: rows.reduce((n, r) => n + r.events, 0),
    },
  };
}

export const hours = (minutes: number) => (minutes / 60).toFixed(minutes % 60 === 0 ? 0 : 1);

/** The report as CSV, audited as an export in the same transaction. */
export async function exportReport(tx: Tx, actor: Actor, profile: CareProfile, week: Week): Promise<string> {
  const report = await careReport(tx, profile, week);
  await recordAudit(tx, {
    tenantId: profile.id,
    actorId: actor.userId,
    action: "care_reports.exported",
    targetType: "care_profile",
    targetId: profile.id,
    details: { week: week.monday, rows: report.rows.length, format: "csv" },
    ip: actor.ip,
  });
  return csv([
    ["Week of", "Person", "Email", "Role", "Shifts", "Hours scheduled", "Care log entries"],
    ...report.rows.map((r) => [report.week, r.name, r.email, r.role, r.shifts, (r.minutes / 60).toFixed(2), r.events]),
    [report.week, "Open shifts", "", "", report.open.shifts, (report.open.minutes / 60).toFixed(2), ""],
    [report.week, "Total", "", "", report.totals.shifts, (report.totals.minutes / 60).toFixed(2), report.totals.events],
  ]);
}
