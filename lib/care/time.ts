/**
 * Wall-clock time in a care profile's time zone. Shifts are stored as instants (timestamptz);
 * people enter and read them as a date and "HH:MM" where the care happens, so the week, the
 * form and the CSV all use the profile's zone, whatever the server's zone is.
 */

export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
/** Monday first: the order the schedule and the availability form show days in. */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function parts(timeZone: string, instant: number) {
  let fmt = partsFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    partsFormatters.set(timeZone, fmt);
  }
  const out: Record<string, number> = {};
  for (const p of fmt.formatToParts(instant)) if (p.type !== "literal") out[p.type] = Number(p.value);
  return { year: out.year, month: out.month, day: out.day, hour: out.hour, minute: out.minute, second: out.second };
}

/** The zone's offset from UTC at an instant, in ms (Denver in winter: -7 h). */
function offsetAt(timeZone: string, instant: number): number {
  const p = parts(timeZone, instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Is "YYYY-MM-DD" a real calendar date? */
export function isRealDate(date: string): boolean {
  if (!ISO_DATE.test(date)) return false;
  const [y, m, d] = date.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The instant a wall-clock date and time in the zone happens (the later one when clocks go back). */
export function zonedToUtc(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - offsetAt(timeZone, wall);
  const second = wall - offsetAt(timeZone, guess);
  if (second !== guess) guess = second;
  return new Date(guess);
}

/** "YYYY-MM-DD" of an instant in the zone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = parts(timeZone, instant.getTime());
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** "HH:MM" of an instant in the zone. */
export function localTime(instant: Date, timeZone: string): string {
  const p = parts(timeZone, instant.getTime());
  return `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

/** Adds days to a "YYYY-MM-DD" (calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Weekday (0 = Sunday) of a "YYYY-MM-DD". */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export interface Week {
  /** The Monday, "YYYY-MM-DD". */
  monday: string;
  /** Monday to Sunday, "YYYY-MM-DD". */
  days: string[];
  /** Monday 00:00 in the zone, and the next Monday 00:00: the half-open range of the week. */
  start: Date;
  end: Date;
  previous: string;
  next: string;
}

/**
 * The Monday-to-Sunday week in the zone that contains `date` (a "YYYY-MM-DD"), or the current
 * week when `date` is missing or not a real date.
 */
export function weekOf(timeZone: string, date?: string | null, now = new Date()): Week {
  const anchor = date && isRealDate(date) ? date : localDate(now, timeZone);
  const monday = addDays(anchor, -((weekdayOf(anchor) + 6) % 7));
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  return {
    monday,
    days,
    start: zonedToUtc(monday, "00:00", timeZone),
    end: zonedToUtc(addDays(monday, 7), "00:00", timeZone),
    previous: addDays(monday, -7),
    next: addDays(monday, 7),
  };
}

/** "Mon 17 Nov" for a "YYYY-MM-DD". */
export function dayLabel(date: string, style: "short" | "long" = "short"): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC",
    weekday: style,
    day: "numeric",
    month: style === "long" ? "long" : "short",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** "8:00 AM" for "08:00". */
export function timeLabel(hhmm: string): string {
  const [h, m] = hhmm.split(":").map(Number);
  return `${((h + 11) % 12) + 1}:${String(m).padStart(2, "0")} ${h < 12 ? "AM" : "PM"}`;
}

/** Minutes between two "HH:MM". */
export const minutesBetween = (start: string, end: string) => {
  const [sh, sm] = start.split(":").map(Number);
  const [eh, em] = end.split(":").map(Number);
  return eh * 60 + em - (sh * 60 + sm);
};
