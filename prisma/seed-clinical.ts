import type { Tx } from "../lib/db/client";
import { addDays, localDate, weekdayOf, zonedToUtc } from "../lib/care/time";

/**
 * Clinic scheduling demo data (issue 10): both Seattle providers' and the Boston provider's weekly
 * hours and lunch breaks, a day off, a month of appointments around today (past ones completed,
 * with the patient's 1–5 rating, or no-show; future ones booked), and a follow-up note by each
 * Seattle provider. The Boston patients are shared with Dr. Okafor, whom Boston's Front Desk books
 * for. Called once from seedDemoData().
 */
// provider, location, weekdays (0 = Sunday), start, end
const HOURS: [string, string, number[], string, string][] = [
  ["dr.lee@northwind.test", "Seattle Downtown", [1, 2, 3], "09:00", "17:00"],
  ["dr.lee@northwind.test", "Seattle Northgate", [4, 5], "08:00", "14:00"],
  ["dr.patel@northwind.test", "Seattle Downtown", [1, 2, 3, 4, 5], "10:00", "18:00"],
  ["dr.okafor@northwind.test", "Boston Back Bay", [1, 2, 3, 4, 5], "09:00", "17:00"],
];
const BREAKS: [string, string, number[], string, string][] = [
  ["dr.lee@northwind.test", "Seattle Downtown", [1, 2, 3], "12:00", "13:00"],
  ["dr.patel@northwind.test", "Seattle Downtown", [1, 2, 3, 4, 5], "13:00", "14:00"],
  ["dr.okafor@northwind.test", "Boston Back Bay", [1, 2, 3, 4, 5], "12:00", "13:00"],
];
const ZONES: Record<string, string> = { "Boston Back Bay": "America/New_York" };
const RATINGS = [5, 4, 5, 3, 4, 5, 5, 4, 2, 5];
const REASONS = ["Check-up", "Cleaning", "Follow-up", "Filling", "Consultation", "X-ray review"];

export async function seedClinicalDemo(tx: Tx, nodes: Map<string, { id: string }>, users: Map<string, string>, now = new Date()) {
  const rows = [...HOURS.map((h) => ["work", ...h] as const), ...BREAKS.map((b) => ["break", ...b] as const)];
  await tx.providerHours.createMany({
    data: rows.flatMap(([kind, who, location, days, start, end]) => days.map((weekday) => ({ providerId: users.get(who)!, nodeId: nodes.get(location)!.id, weekday, kind, start, end }))),
  });
  const tz = "America/Los_Angeles";
  const today = localDate(now, tz);
  // Dr. Patel is off on the second Friday from now.
  let friday = addDays(today, 7);
  while (weekdayOf(friday) !== 5) friday = addDays(friday, 1);
  await tx.providerDayOff.create({ data: { providerId: users.get("dr.patel@northwind.test")!, nodeId: nodes.get("Seattle Downtown")!.id, day: new Date(`${friday}T00:00:00Z`), reason: "Conference" } });

  // The Boston patients are Dr. Okafor's (shared with him: the primary-provider field is the patients seed's).
  const okafor = users.get("dr.okafor@northwind.test")!;
  const boston = await tx.patient.findMany({ where: { nodeId: nodes.get("Boston Back Bay")!.id }, select: { id: true, nodeId: true }, orderBy: { lastName: "asc" } });
  await tx.patientAssignment.createMany({ data: boston.map((p) => ({ patientId: p.id, userId: okafor })) });

  // A month of appointments (two weeks back, two weeks ahead) for each provider's own patients.
  const seattle = await tx.patient.findMany({ where: { primaryProviderId: { not: null }, node: { name: { startsWith: "Seattle" } } }, select: { id: true, nodeId: true, primaryProviderId: true }, orderBy: { lastName: "asc" } });
  const patients = [...seattle, ...boston.map((p) => ({ ...p, primaryProviderId: okafor }))];
  const data: { patientId: string; nodeId: string; providerId: string; startsAt: Date; minutes: number; status: string; reason: string; rating: number | null }[] = [];
  let n = 0;
  for (let offset = -14; offset <= 14; offset++) {
    const day = addDays(today, offset);
    const weekday = weekdayOf(day);
    for (const [who, location, days, start] of HOURS) {
      if (!days.includes(weekday) || (who === "dr.patel@northwind.test" && day === friday)) continue;
      const providerId = users.get(who)!;
      const mine = patients.filter((p) => p.primaryProviderId === providerId);
      for (let slot = 0; slot < 3; slot++) {
        const p = mine[(n + slot) % mine.length];
        const hour = Number(start.slice(0, 2)) + [1, 2, 4][slot];
        const startsAt = zonedToUtc(day, `${String(hour).padStart(2, "0")}:00`, ZONES[location] ?? tz);
        const past = startsAt.getTime() < now.getTime();
        const status = past ? (n % 9 === 0 ? "no_show" : "completed") : "scheduled";
        data.push({ patientId: p.id, nodeId: nodes.get(location)!.id, providerId, startsAt, minutes: 30, status, reason: REASONS[n % REASONS.length], rating: status === "completed" ? RATINGS[n % RATINGS.length] : null });
        n++;
      }
    }
  }
  await tx.appointment.createMany({ data });
  for (const p of seattle.slice(0, 4)) {
    await tx.clinicalNote.create({ data: { patientId: p.id, nodeId: p.nodeId, authorId: p.primaryProviderId!, body: "Follow-up: healing well; review in six months." } });
  }
}
