/**
 * Capped counts for list pages (issue 15): a region or an enterprise holds up to a million patients
 * or tens of thousands of people, and an exact COUNT over all of them costs more than the page. The
 * count stops at COUNT_CAP + 1 rows and the page then says "10,000+". Pure: the browser uses the label.
 */
export const COUNT_CAP = 10_000;

export interface CappedCount {
  total: number;
  /** More than `total` rows match: shown as "10,000+". */
  totalCapped: boolean;
}

/** A count taken with `take: cap + 1` as the page shows it. */
export function capCount(n: number, cap = COUNT_CAP): CappedCount {
  return n > cap ? { total: cap, totalCapped: true } : { total: n, totalCapped: false };
}

/** "1 person", "340 people", "10,000+ people" (en-US digits). */
export function countLabel(c: CappedCount, one: string, many: string): string {
  const n = c.total.toLocaleString("en-US");
  return c.totalCapped ? `${n}+ ${many}` : `${n} ${c.total === 1 ? one : many}`;
}
