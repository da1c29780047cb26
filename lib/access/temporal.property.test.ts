/**
 * Temporary access (issue 11), property test: for random bindings (random start and end) of random
 * roles whose grants carry random weekday/time-of-day windows and validity dates, at places in
 * random time zones (DST ones included, times drawn around the 2026 DST changes), decide() at a
 * random instant t equals a straightforward reference evaluation of the same grants at t; and with
 * a random delegation (issue 11) from a delegator with their own random bindings, the delegate's
 * decision equals (own reference) or (delegation live and listing it, and the delegator's reference).
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

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

/** The world's tree, roles and bindings (one per node), as the database would hold them. */
function build(w: Pick<World, "anchor" | "zones" | "bindings">, prefix = "") {
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
    roles.set(`${prefix}r-${i}`, { id: `${prefix}r-${i}`, key: `${prefix}r${i}`, name: `Role ${i}`, tenantId: NODE_IDS[0], parentId: null, grants, removals: [] });
    bindingRows.push({ id: `${prefix}b-${i}`, nodeId: NODE_IDS[b.node], roleId: `${prefix}r-${i}`, startsAt: b.startsAt === undefined ? null : at(b.startsAt), expiresAt: b.expiresAt === undefined ? null : at(b.expiresAt) });
  });
  // One binding per (person, node), as the database keeps it.
  const seen = new Set<string>();
  const unique = bindingRows.filter((r) => !seen.has(r.nodeId) && seen.add(r.nodeId));
  return { tree, roles, unique };
}

/** The reference: does any of these bindings' grants hold on a record at node `record` at t? */
function reference(unique: BindingRow[], roles: Map<string, RoleRow>, zones: string[], record: number, t: number): boolean {
  return unique.some((row) => {
    const bindingIndex = NODE_IDS.indexOf(row.nodeId);
    if (bindingIndex > record) return false; // not at or above the record
    if (row.startsAt && t < row.startsAt.getTime()) return false;
    if (row.expiresAt && t >= row.expiresAt.getTime()) return false;
    const grants = roles.get(row.roleId)!.grants as Grant[];
    return grants.some((g) => {
      if (g.scope === "node" && bindingIndex !== record) return false;
      const c = g.conditions;
      if (c?.validFrom && t < Date.parse(c.validFrom)) return false;
      if (c?.validUntil && t >= Date.parse(c.validUntil)) return false;
      if (c?.timeWindow) {
        // The window is read in the binding's place's time zone.
        const { day, minutes } = localOf(t, zones[bindingIndex]);
        if (!c.timeWindow.days.includes(day)) return false;
        if (minutes < minutesOf(c.timeWindow.start) || minutes >= minutesOf(c.timeWindow.end)) return false;
      }
      return true;
    });
  });
}

describe("temporary access: decide(t) equals a reference evaluation at t", () => {
  it("for random bindings with random windows, validity dates and expiries", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { tree, roles, unique } = build(w);
        const subject = compileSubject({ userId: ME, bindings: unique, roles, trees: new Map([[NODE_IDS[0], tree]]) });
        const t = w.anchor + w.t;
        expect(decide(subject, PERMISSION, { nodeId: NODE_IDS[w.record] }, { now: t })).toBe(reference(unique, roles, w.zones, w.record, t));
      }),
      { numRuns: RUNS },
    );
  });

  it("delegation: the delegate's decision at t is their own reference, or the delegation live at t, listing it, at or above the record, and the delegator's reference at t", () => {
    const delegationArb = fc.record({
      delegatorBindings: fc.array(bindingArb, { minLength: 1, maxLength: 4 }),
      node: fc.integer({ min: 0, max: 3 }),
      lists: fc.boolean(),
      startsAt: offsetArb,
      length: fc.integer({ min: 1, max: 4 * DAY }),
    });
    fc.assert(
      fc.property(worldArb, delegationArb, (w, d) => {
        const mine = build(w);
        const theirs = build({ ...w, bindings: d.delegatorBindings }, "d-");
        const roles = new Map([...mine.roles, ...theirs.roles]);
        const trees = new Map([[NODE_IDS[0], mine.tree]]);
        const delegator = compileSubject({ userId: "u-delegator", bindings: theirs.unique, roles, trees });
        const startsAt = w.anchor + d.startsAt;
        const endsAt = startsAt + d.length;
        const subject = compileSubject({
          userId: ME,
          bindings: mine.unique,
          roles,
          trees,
          delegations: [{ id: "dl-1", nodeId: NODE_IDS[d.node], delegatorId: "u-delegator", delegatorName: "Delegator", permissions: d.lists ? [PERMISSION] : ["invoices.read"], startsAt: new Date(startsAt), endsAt: new Date(endsAt), delegator }],
        });
        const t = w.anchor + w.t;
        const delegated = d.lists && startsAt <= t && t < endsAt && d.node <= w.record && reference(theirs.unique, roles, w.zones, w.record, t);
        const expected = reference(mine.unique, roles, w.zones, w.record, t) || delegated;
        expect(decide(subject, PERMISSION, { nodeId: NODE_IDS[w.record] }, { now: t })).toBe(expected);
        // Never more than the delegator: without own rights, the delegate is allowed only where the delegator is.
        const onlyDelegated = compileSubject({ userId: ME, bindings: [], roles, trees, delegations: [{ id: "dl-1", nodeId: NODE_IDS[d.node], delegatorId: "u-delegator", delegatorName: "Delegator", permissions: [PERMISSION], startsAt: new Date(startsAt), endsAt: new Date(endsAt), delegator }] });
        if (decide(onlyDelegated, PERMISSION, { nodeId: NODE_IDS[w.record] }, { now: t })) expect(decide(delegator, PERMISSION, { nodeId: NODE_IDS[w.record] }, { now: t })).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
