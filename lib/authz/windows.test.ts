/**
 * Time windows (issue 11): a grant's weekday/time-of-day window is read in the time zone of the
 * place where the role is given. Across a time-zone boundary (the same instant is Monday evening in
 * Los Angeles and Tuesday afternoon in Sydney) and across both DST changes (spring forward: an hour
 * that doesn't exist; fall back: an hour that happens twice), decide() and explain() agree with the clock.
 */
import { describe, expect, it } from "vitest";
import { decide } from "./decide";
import { explain } from "./explain";
import type { Grant } from "./grants";
import { compileSubject, type RoleRow } from "./subject";
import { buildTree, type NodeRow } from "./tree";

const ROOT = "root";
function subjectAt(zones: Record<string, string>, window: { days: number[]; start: string; end: string }) {
  const rows: NodeRow[] = [{ id: ROOT, parentId: null, rootId: ROOT, kind: "ENTERPRISE", name: "Group", timeZone: "UTC" }];
  for (const [id, tz] of Object.entries(zones)) rows.push({ id, parentId: ROOT, rootId: ROOT, kind: "PRACTICE", name: id, timeZone: tz });
  const tree = buildTree(ROOT, rows);
  const grants: Grant[] = [{ permission: "patients.read", scope: "subtree", conditions: { timeWindow: window } }];
  const roles = new Map<string, RoleRow>([["hours", { id: "hours", key: "hours", name: "Opening Hours", tenantId: ROOT, parentId: null, grants, removals: [] }]]);
  return compileSubject({ userId: "me", bindings: Object.keys(zones).map((id) => ({ id: `b-${id}`, nodeId: id, roleId: "hours" })), roles, trees: new Map([[ROOT, tree]]) });
}
const can = (s: ReturnType<typeof subjectAt>, node: string, iso: string) => decide(s, "patients.read", { nodeId: node }, { now: Date.parse(iso) });

describe("time windows in the place's time zone", () => {
  it("across a time-zone boundary: the same instant is Monday in Los Angeles and Tuesday in Sydney", () => {
    const mondays = subjectAt({ "Los Angeles": "America/Los_Angeles", Sydney: "Australia/Sydney" }, { days: [1], start: "08:00", end: "18:00" });
    // 2026-12-14T23:30Z = Mon 15:30 in Los Angeles (PST), Tue 10:30 in Sydney (AEDT).
    expect(can(mondays, "Los Angeles", "2026-12-14T23:30:00Z")).toBe(true);
    expect(can(mondays, "Sydney", "2026-12-14T23:30:00Z")).toBe(false);
    // 2026-12-13T23:30Z = Sun 15:30 in LA (closed), Mon 10:30 in Sydney (open).
    expect(can(mondays, "Los Angeles", "2026-12-13T23:30:00Z")).toBe(false);
    expect(can(mondays, "Sydney", "2026-12-13T23:30:00Z")).toBe(true);
    expect(explain(mondays, "patients.read", { nodeId: "Sydney" }, { now: Date.parse("2026-12-14T23:30:00Z") }).reason).toBe(
      "Opening Hours at Sydney grants patients.read only Mon 08:00–18:00 Australia/Sydney; now Tue 10:30.",
    );
  });

  it("spring forward (US, 8 March 2026): 02:00–03:00 doesn't exist; the window is read on the new local clock", () => {
    const early = subjectAt({ Seattle: "America/Los_Angeles" }, { days: [0], start: "01:00", end: "03:00" });
    // 09:59Z = 01:59 PST (inside); 10:00Z = 03:00 PDT (the window's end: outside). The window lasted one real hour.
    expect(can(early, "Seattle", "2026-03-08T09:59:00Z")).toBe(true);
    expect(can(early, "Seattle", "2026-03-08T10:00:00Z")).toBe(false);
    // A 08:00–18:00 window the Monday after: opens at 15:00Z (PDT, UTC-7), not 16:00Z (PST).
    const office = subjectAt({ Seattle: "America/Los_Angeles" }, { days: [1, 2, 3, 4, 5], start: "08:00", end: "18:00" });
    expect(can(office, "Seattle", "2026-03-09T14:59:00Z")).toBe(false);
    expect(can(office, "Seattle", "2026-03-09T15:00:00Z")).toBe(true);
    expect(can(office, "Seattle", "2026-03-06T15:30:00Z")).toBe(false); // the Friday before: 07:30 PST
  });

  it("fall back (US, 1 November 2026): 01:00–02:00 happens twice; both are inside a 01:00–02:00 window", () => {
    const night = subjectAt({ Seattle: "America/Los_Angeles" }, { days: [0], start: "01:00", end: "02:00" });
    expect(can(night, "Seattle", "2026-11-01T08:30:00Z")).toBe(true); // 01:30 PDT
    expect(can(night, "Seattle", "2026-11-01T09:30:00Z")).toBe(true); // 01:30 PST, an hour later
    expect(can(night, "Seattle", "2026-11-01T10:00:00Z")).toBe(false); // 02:00 PST
    // A 08:00–18:00 window the Monday after opens at 16:00Z (PST, UTC-8).
    const office = subjectAt({ Seattle: "America/Los_Angeles" }, { days: [1], start: "08:00", end: "18:00" });
    expect(can(office, "Seattle", "2026-11-02T15:30:00Z")).toBe(false);
    expect(can(office, "Seattle", "2026-11-02T16:00:00Z")).toBe(true);
  });

  it("Europe's change (29 March 2026) moves Berlin's window without moving Seattle's", () => {
    const office = subjectAt({ Berlin: "Europe/Berlin", Seattle: "America/Los_Angeles" }, { days: [1], start: "08:00", end: "09:00" });
    // Monday 30 March: Berlin is on CEST (UTC+2): 08:00 local = 06:00Z; a week earlier it was 07:00Z.
    expect(can(office, "Berlin", "2026-03-30T06:00:00Z")).toBe(true);
    expect(can(office, "Berlin", "2026-03-23T06:00:00Z")).toBe(false);
    expect(can(office, "Berlin", "2026-03-23T07:00:00Z")).toBe(true);
    expect(can(office, "Seattle", "2026-03-30T15:00:00Z")).toBe(true); // 08:00 PDT
  });
});
