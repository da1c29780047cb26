import { afterEach, describe, expect, test } from "vitest";
import { datesProblem, endDayOf, endOfDayIso, startDayOf, startOfDayIso } from "./dates";

describe("role dates on the Users and Locations screens", () => {
  const tz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = tz;
  });
  test("a From day starts at local midnight; an Until day is inclusive (ends at the next midnight)", () => {
    process.env.TZ = "America/Los_Angeles";
    expect(startOfDayIso("2026-12-10")).toBe("2026-12-10T08:00:00.000Z");
    expect(endOfDayIso("2026-12-10")).toBe("2026-12-11T08:00:00.000Z");
    // Across the DST change (8 March 2026, 23 hours long) the end is still the next local midnight.
    expect(endOfDayIso("2026-03-08")).toBe("2026-03-09T07:00:00.000Z");
    expect(startOfDayIso("")).toBeNull();
    expect(endOfDayIso("soon")).toBeNull();
  });
  test("round trip: the days shown are the days saved", () => {
    process.env.TZ = "Europe/Berlin";
    expect(startDayOf(startOfDayIso("2026-07-01"))).toBe("2026-07-01");
    expect(endDayOf(endOfDayIso("2026-07-31"))).toBe("2026-07-31");
    expect(startDayOf(null)).toBe("");
    expect(endDayOf(null)).toBe("");
  });
  test("problems: an end before the start, an end in the past", () => {
    expect(datesProblem("2026-12-10", "2026-12-09", "2026-12-01")).toBe("The end date must be on or after the start date.");
    expect(datesProblem("", "2026-11-30", "2026-12-01")).toBe("The end date has already passed.");
    expect(datesProblem("2026-12-10", "2026-12-10", "2026-12-01")).toBeNull();
    expect(datesProblem("", "", "2026-12-01")).toBeNull();
  });
});
