/**
 * Role dates as the Users and Locations screens show them (issue 11): a "From" day starts at local
 * midnight; an "Until" day is inclusive, so the role ends at the following local midnight.
 * Pure and browser-safe: the screens convert with the viewer's own time zone.
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function localMidnight(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d);
}

function dayOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "2026-12-10" → the ISO instant that day begins; "" → null. */
export function startOfDayIso(day: string): string | null {
  return DAY.test(day) ? localMidnight(day).toISOString() : null;
}

/** "2026-12-10" (inclusive) → the ISO instant the next day begins; "" → null. */
export function endOfDayIso(day: string): string | null {
  if (!DAY.test(day)) return null;
  const next = localMidnight(day);
  next.setDate(next.getDate() + 1);
  return next.toISOString();
}

export function startDayOf(iso: string | null | undefined): string {
  return iso ? dayOf(new Date(iso)) : "";
}

/** The last day a role is in force, for an end instant (exclusive). */
export function endDayOf(iso: string | null | undefined): string {
  return iso ? dayOf(new Date(Date.parse(iso) - 1)) : "";
}

/** A field message for a From/Until pair, or null when it can be saved. */
export function datesProblem(from: string, until: string, today = dayOf(new Date())): string | null {
  if (from && until && until < from) return "The end date must be on or after the start date.";
  if (until && until < today) return "The end date has already passed.";
  return null;
}
