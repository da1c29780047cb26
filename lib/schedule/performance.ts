import { z } from "zod";
import { forbidden, notFound } from "../api/errors";
import { lookupNode, subtreeIds, where, type Subject } from "../authz";
import { dateField } from "../care/common";
import { addDays, localDate, zonedToUtc } from "../care/time";
import { holds } from "../context/enterable";
import type { Db, Tx } from "../db/client";

/**
 * Provider performance (issue 10): per provider over a period, appointments booked, completed,
 * no-show and cancelled, revenue, and the patients' average rating. The rows come from one
 * query scoped by where(subject, "provider_performance.read", "providerPerformance"): a Provider
 * (the "own" scope) gets their own row only, a Manager the providers of their places, an Owner
 * everyone's — filtered in SQL, never after the fact.
 *
 * Revenue: the billing model has no provider on a charge, so a provider's revenue is the charges
 * (billing_charges, service date in the period) of the patients whose primary provider they are,
 * at the place's locations. Read-only; lib/billing is not involved.
 */
const MAX_DAYS = 366;

export const periodSchema = z
  .object({
    nodeId: z.uuid({ error: "That place was not found." }),
    from: dateField("Give the start as YYYY-MM-DD."),
    to: dateField("Give the end as YYYY-MM-DD."),
  })
  .strict()
  .refine((p) => p.to >= p.from, { message: "The end must be on or after the start.", path: ["to"] })
  .refine((p) => Date.parse(p.to) - Date.parse(p.from) <= (MAX_DAYS - 1) * 86_400_000, { message: `Choose at most ${MAX_DAYS} days.`, path: ["to"] });
export type Period = z.output<typeof periodSchema>;

/** The last 30 days up to today, in the place's time zone. */
export function defaultPeriod(timeZone: string, now = new Date()): { from: string; to: string } {
  const to = localDate(now, timeZone);
  return { from: addDays(to, -29), to };
}

export interface PerformanceRow {
  providerId: string;
  name: string;
  booked: number;
  completed: number;
  noShow: number;
  cancelled: number;
  /** Scheduled or checked in (still ahead, or not closed yet). */
  open: number;
  /** No-shows among the appointments that were due (completed + no-show), 0–100. */
  noShowRate: number;
  revenueCents: number;
  rating: number | null;
  ratings: number;
}

export async function providerPerformance(db: Db | Tx, subject: Subject, period: Period): Promise<{ rows: PerformanceRow[]; from: string; to: string; timeZone: string }> {
  const node = lookupNode(subject, period.nodeId);
  const tree = node && subject.trees.find((t) => t.rootId === node.rootId);
  if (!node || !tree || node.archived) throw notFound("That place");
  if (!holds(subject, "provider_performance.read", node.id)) throw forbidden("Your role here doesn't include provider performance.");
  const places = subtreeIds(tree, node.id);
  const scope = {
    AND: [
      where(subject, "provider_performance.read", "providerPerformance"),
      { nodeId: { in: places } },
      { startsAt: { gte: zonedToUtc(period.from, "00:00", node.timeZone), lt: zonedToUtc(addDays(period.to, 1), "00:00", node.timeZone) } },
    ],
  };
  const [counts, ratings] = await Promise.all([
    db.appointment.groupBy({ by: ["providerId", "status"], where: scope, _count: { _all: true } }),
    db.appointment.groupBy({ by: ["providerId"], where: { AND: [scope, { rating: { not: null } }] }, _avg: { rating: true }, _count: { rating: true } }),
  ]);
  const ids = [...new Set(counts.map((c) => c.providerId))];
  if (ids.length === 0) return { rows: [], from: period.from, to: period.to, timeZone: node.timeZone };
  const [people, patients] = await Promise.all([
    db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    db.patient.findMany({ where: { tenantId: node.rootId, primaryProviderId: { in: ids } }, select: { id: true, primaryProviderId: true } }),
  ]);
  const charges = patients.length
    ? await db.billingCharge.groupBy({
        by: ["patientId"],
        where: { tenantId: node.rootId, nodeId: { in: places }, patientId: { in: patients.map((p) => p.id) }, serviceDate: { gte: new Date(`${period.from}T00:00:00Z`), lte: new Date(`${period.to}T00:00:00Z`) } },
        _sum: { amountCents: true },
      })
    : [];
  const providerOf = new Map(patients.map((p) => [p.id, p.primaryProviderId!]));
  const revenue = new Map<string, number>();
  for (const c of charges) {
    const who = c.patientId ? providerOf.get(c.patientId) : undefined;
    if (who) revenue.set(who, (revenue.get(who) ?? 0) + (c._sum.amountCents ?? 0));
  }
  const rows = ids.map((id) => {
    const n = (status: string) => counts.find((c) => c.providerId === id && c.status === status)?._count._all ?? 0;
    const completed = n("completed");
    const noShow = n("no_show");
    const r = ratings.find((x) => x.providerId === id);
    return {
      providerId: id,
      name: people.find((p) => p.id === id)?.name ?? "Unknown provider",
      booked: counts.filter((c) => c.providerId === id).reduce((sum, c) => sum + c._count._all, 0),
      completed,
      noShow,
      cancelled: n("cancelled"),
      open: n("scheduled") + n("checked_in"),
      noShowRate: completed + noShow > 0 ? Math.round((noShow / (completed + noShow)) * 100) : 0,
      revenueCents: revenue.get(id) ?? 0,
      rating: r?._avg.rating != null ? Math.round(r._avg.rating * 10) / 10 : null,
      ratings: r?._count.rating ?? 0,
    };
  });
  return { rows: rows.sort((a, b) => a.name.localeCompare(b.name)), from: period.from, to: period.to, timeZone: node.timeZone };
}
