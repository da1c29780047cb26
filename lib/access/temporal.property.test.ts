/**
 * Temporary access (issue 11), property test: for random bindings (random start and end) of random
 * roles whose grants carry random weekday/time-of-day windows and validity dates, at places in
 * random time zones (DST ones included, times drawn around the 2026 DST changes), decide() at a
 * random instant t equals a straightforward reference evaluation of the same grants at t.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "../authz/decide";
import type { Grant } from "../authz/grants";
import { compileSubject, type BindingRow, type RoleRow } from "../authz/subject";
import { buildTree, type NodeRow } from "../authz/tree";

const ME = "u-me";
const PERMISSION = "appointments.read" as const;
const DAY = 86_400_000;
const RUNS = Number(process.env.AUTHZ_PROPERTY_RUNS ?? 400);
// Around the 2026 DST changes: US 8 March / 1 November, EU 29 March / 25 October, Chatham 5 April.
const ANCHORS = ["2026-03-08T10:00:00Z", "2026-03-29T01:00:00Z", "2026-04-05T14:00:00Z", "2026-10-25T01:00:00Z", "2026-11-01T09:00:00Z"].map(Date.parse);
const ZONES = ["UTC", "America/Los_Angeles", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Pacific/Chatham", "Asia/Kolkata"];

const tzArb = fc.constantFrom(...ZONES);
const hhmmArb = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const offsetArb = fc.integer({ min: -3 * DAY, max: 3 * DAY });
const windowArb = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), hhmmArb, hhmmArb)
  .filter(([, a, b]) => a !== b)
  .map(([days, a, b]) => (a < b ? { days, start: a, end: b } : { days, start: b, end: a }));
const grantArb = fc.record(
  {
    scope: fc.constantFrom("subtree" as const, "node" as const),
    timeWindow: windowArb,
    validFrom: offsetArb,
    validUntil: offsetArb,
  },
  { requiredKeys: ["scope"] },
);
const bindingArb = fc.record({
  node: fc.integer({ min: 0, max: 3 }),
  grants: fc.array(grantArb, { minLength: 0, maxLength: 3 }),
  startsAt: fc.option(offsetArb, { nil: undefined }),
  expiresAt: fc.option(offsetArb, { nil: undefined }),
});
const worldArb = fc.record({
  anchor: fc.constantFrom(...ANCHORS),
  zones: fc.array(tzArb, { minLength: 4, maxLength: 4 }),
  bindings: fc.array(bindingArb, { minLength: 1, maxLength: 4 }),
  record: fc.integer({ min: 0, max: 3 }),
  t: offsetArb,
});

// Tree: 0 enterprise → 1 region → 2 practice → 3 location.
const NODE_IDS = ["n-ent", "n-region", "n-practice", "n-location"];
const KINDS = ["ENTERPRISE", "REGION", "PRACTICE", "LOCATION"] as const;

/** The reference: local weekday and minutes read from a plain toLocaleString in the zone. */
function localOf(t: number, timeZone: string): { day: number; minutes: number } {
  const local = new Date(new Date(t).toLocaleString("en-US", { timeZone }));
  return { day: local.getDay(), minutes: local.getHours() * 60 + local.getMinutes() };
}
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

describe("temporary access: decide(t) equals a reference evaluation at t", () => {
  it("for random bindings with random windows, validity dates and expiries", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const rows: NodeRow[] = NODE_IDS.map((id, i) => ({ id, parentId: i === 0 ? null : NODE_IDS[i - 1], rootId: NODE_IDS[0], kind: KINDS[i], name: id, timeZone: w.zones[i] }));
        const tree = buildTree(NODE_IDS[0], rows);
        const roles = new Map<string, RoleRow>();
        const bindingRows: BindingRow[] = [];
        const at = (offset: number) => new Date(w.anchor + offset);
        w.bindings.forEach((b, i) => {
          const grants: Grant[] = b.grants.map((g) => ({
            permission: PERMISSION,
            scope: g.scope,
            ...(g.timeWindow || g.validFrom !== undefined || g.validUntil !== undefined
              ? {
                  conditions: {
                    ...(g.timeWindow ? { timeWindow: g.timeWindow } : {}),
                    ...(g.validFrom !== undefined ? { validFrom: at(g.validFrom).toISOString() } : {}),
                    ...(g.validUntil !== undefined ? { validUntil: at(g.validUntil).toISOString() } : {}),
                  },
                }
              : {}),
          }));
          roles.set(`r-${i}`, { id: `r-${i}`, key: `r${i}`, name: `Role ${i}`, tenantId: NODE_IDS[0], parentId: null, grants, removals: [] });
          bindingRows.push({ id: `b-${i}`, nodeId: NODE_IDS[b.node], roleId: `r-${i}`, startsAt: b.startsAt === undefined ? null : at(b.startsAt), expiresAt: b.expiresAt === undefined ? null : at(b.expiresAt) });
        });
        // One binding per (person, node), as the database keeps it.
        const seen = new Set<string>();
        const unique = bindingRows.filter((r) => !seen.has(r.nodeId) && seen.add(r.nodeId));
        const subject = compileSubject({ userId: ME, bindings: unique, roles, trees: new Map([[NODE_IDS[0], tree]]) });
        const t = w.anchor + w.t;

        const reference = unique.some((row) => {
          const bindingIndex = NODE_IDS.indexOf(row.nodeId);
          if (bindingIndex > w.record) return false; // not at or above the record
          if (row.startsAt && t < row.startsAt.getTime()) return false;
          if (row.expiresAt && t >= row.expiresAt.getTime()) return false;
          const grants = roles.get(row.roleId)!.grants as Grant[];
          return grants.some((g) => {
            if (g.scope === "node" && bindingIndex !== w.record) return false;
            const c = g.conditions;
            if (c?.validFrom && t < Date.parse(c.validFrom)) return false;
            if (c?.validUntil && t >= Date.parse(c.validUntil)) return false;
            if (c?.timeWindow) {
              // The window is read in the binding's place's time zone.
              const { day, minutes } = localOf(t, w.zones[bindingIndex]);
              if (!c.timeWindow.days.includes(day)) return false;
              if (minutes < minutesOf(c.timeWindow.start) || minutes >= minutesOf(c.timeWindow.end)) return false;
            }
            return true;
          });
        });
        expect(decide(subject, PERMISSION, { nodeId: NODE_IDS[w.record] }, { now: t })).toBe(reference);
      }),
      { numRuns: RUNS },
    );
  });
});
