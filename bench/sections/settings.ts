/**
 * Settings screens at 50,000 people: the server work behind the first view of Settings > Users
 * (listMembers, page 1), Settings > Roles (listRoles) and Settings > Locations (locationTree with
 * member counts, then the selected node's people), at the enterprise, a region and a practice.
 * Each is timed interleaved with the implementation it replaced, kept here as oldListRoles /
 * oldLocationTree (for Users, the hand-written SQL page of bench/members.ts). The results must
 * agree (holder counts, tree order, patient and member counts) or the run fails.
 */
import type { Database } from "../../lib/db/client";
import { TEMPLATES_BY_ID } from "../../lib/authz";
import { COUNT_CAP } from "../../lib/db/capped-count";
import { listMembers, memberListQuery } from "../../lib/members/directory";
import { locationTree, nodeMembers, type TreeMember } from "../../lib/orgs/manage";
import { inSubtree } from "../../lib/orgs/nodes";
import { listRoles, placeTenant } from "../../lib/roles/custom";
import type { Db, Tx } from "../../lib/db/client";
import type { Report } from "../lib/report";
import { fmt, fmtInt, percentile } from "../lib/util";

/** listRoles as it was: every accepted binding under the place loaded to count holders in JavaScript. */
export async function oldListRoles(db: Db | Tx, placeId: string) {
  const { rootId, family } = await placeTenant(db, placeId);
  const [roles, bindings] = await Promise.all([
    db.role.findMany({
      where: { OR: [{ tenantId: null, family }, { tenantId: rootId }] },
      orderBy: [{ createdAt: "asc" }],
      select: { id: true, name: true, description: true, tenantId: true, parentId: true, updatedAt: true },
    }),
    db.roleBinding.findMany({ where: { node: inSubtree(placeId), pending: false, user: { deletedAt: null } }, select: { roleId: true, userId: true } }),
  ]);
  const holders = new Map<string, Set<string>>();
  for (const b of bindings) (holders.get(b.roleId) ?? holders.set(b.roleId, new Set()).get(b.roleId)!).add(b.userId);
  const names = new Map(roles.map((r) => [r.id, r.name]));
  const builtinOrder = [...TEMPLATES_BY_ID.keys()];
  const rows = roles.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    builtin: r.tenantId === null,
    parentId: r.parentId,
    parentName: r.parentId ? (names.get(r.parentId) ?? null) : null,
    holders: holders.get(r.id)?.size ?? 0,
  }));
  return { rootId, family, builtin: rows.filter((r) => r.builtin).sort((a, b) => builtinOrder.indexOf(a.id) - builtinOrder.indexOf(b.id)), custom: rows.filter((r) => !r.builtin) };
}

/** locationTree as it was: children found by re-copying arrays, every node's member list filtered from all bindings (quadratic), all sent to the client. */
export async function oldLocationTree(db: Db | Tx, placeId: string, opts: { withMembers: boolean }) {
  const rows = await db.orgNodeClosure.findMany({
    where: { ancestorId: placeId },
    select: { depth: true, descendant: { select: { id: true, parentId: true, kind: true, name: true, archivedAt: true } } },
  });
  const ids = rows.map((r) => r.descendant.id);
  const [patientCounts, bindings] = await Promise.all([
    db.patient.groupBy({ by: ["nodeId"], where: { nodeId: { in: ids } }, _count: { _all: true } }),
    opts.withMembers
      ? db.roleBinding.findMany({
          where: { nodeId: { in: ids }, user: { deletedAt: null } },
          orderBy: { user: { name: "asc" } },
          select: { nodeId: true, roleId: true, expiresAt: true, role: { select: { name: true } }, user: { select: { id: true, name: true, email: true } } },
        })
      : Promise.resolve([]),
  ]);
  const patients = new Map(patientCounts.map((p) => [p.nodeId, p._count._all]));
  const byParent = new Map<string | null, typeof rows>();
  for (const r of rows) {
    const key = r.descendant.id === placeId ? null : r.descendant.parentId;
    byParent.set(key, [...(byParent.get(key) ?? []), r]);
  }
  const out: { id: string; parentId: string | null; kind: string; name: string; depth: number; patients: number; members: TreeMember[] }[] = [];
  let archived = 0;
  const visit = (parent: string | null) => {
    for (const r of (byParent.get(parent) ?? []).sort((a, b) => a.descendant.name.localeCompare(b.descendant.name))) {
      const d = r.descendant;
      if (d.archivedAt) {
        archived++;
        continue;
      }
      out.push({
        id: d.id,
        parentId: d.id === placeId ? null : d.parentId,
        kind: d.kind,
        name: d.name,
        depth: r.depth,
        patients: patients.get(d.id) ?? 0,
        members: bindings
          .filter((b) => b.nodeId === d.id)
          .map((b) => ({ userId: b.user.id, name: b.user.name, email: b.user.email, roleId: b.roleId, roleName: b.role.name, expiresAt: b.expiresAt?.toISOString() ?? null })),
      });
      visit(d.id);
    }
  };
  visit(null);
  return { nodes: out, archived };
}

/** The Users page by hand (as in bench/members.ts): people with a binding under the node, by name, 25 a page, with the total. */
async function handUsersPage(db: Database, nodeId: string) {
  const under = `EXISTS (SELECT 1 FROM role_bindings b JOIN org_node_closure c ON c.descendant_id = b.node_id WHERE b.user_id = u.id AND c.ancestor_id = $1::uuid)`;
  const [rows, count] = await Promise.all([
    db.sql.query(`SELECT u.id, u.name, u.email FROM users u WHERE u.deleted_at IS NULL AND ${under} ORDER BY u.name, u.id LIMIT 25`, [nodeId]),
    db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM users u WHERE u.deleted_at IS NULL AND ${under}`, [nodeId]),
  ]);
  return { rows: rows.length, total: Number(count[0].n) };
}

interface Screen {
  screen: string;
  /** The current code: the first view's server work (timed). */
  now: (node: string) => Promise<unknown>;
  /** The replaced code (or hand-written SQL), same work (timed). */
  before: (node: string) => Promise<unknown>;
  /** Outside the timing: what must agree between the two, and the JSON the client receives (null: not sent as such). */
  digest: (result: unknown, which: "now" | "before") => { check: unknown; payload: unknown };
  baseline: string;
}

type OldTree = Awaited<ReturnType<typeof oldLocationTree>>;
type NewLocations = { tree: Awaited<ReturnType<typeof locationTree>>; people: TreeMember[] };
type Roles = Awaited<ReturnType<typeof listRoles>>;

function screens(db: Database): Screen[] {
  const users = memberListQuery.parse({ page: 1, pageSize: 25 });
  return [
    {
      screen: "Users",
      baseline: "hand-written SQL",
      now: (node) => listMembers(db.prisma, node, users),
      before: (node) => handUsersPage(db, node),
      // listMembers caps its total at COUNT_CAP ("10,000+"); the hand-written page counts exactly.
      digest: (r, which) => ({ check: Math.min((r as { total: number }).total, COUNT_CAP), payload: which === "now" ? r : null }),
    },
    {
      screen: "Roles",
      baseline: "oldListRoles",
      now: (node) => listRoles(db.prisma, node),
      before: (node) => oldListRoles(db.prisma, node),
      digest: (r) => ({ check: [...(r as Roles).builtin, ...(r as Roles).custom].map((x) => `${x.id}:${x.holders}`), payload: r }),
    },
    {
      screen: "Locations",
      baseline: "oldLocationTree",
      // The page opens with the place itself selected: the tree with counts, then that node's people.
      now: async (node): Promise<NewLocations> => {
        const tree = await locationTree(db.prisma, node, { withMembers: true });
        return { tree, people: await nodeMembers(db.prisma, node) };
      },
      before: (node) => oldLocationTree(db.prisma, node, { withMembers: true }),
      digest: (r, which) => {
        if (which === "now") {
          const { tree, people } = r as NewLocations;
          return { check: [tree.nodes.map((n) => `${n.id}:${n.patients}:${n.members}`), people.map((p) => p.userId).sort()], payload: r };
        }
        const tree = r as OldTree;
        return { check: [tree.nodes.map((n) => `${n.id}:${n.patients}:${n.members.length}`), tree.nodes[0].members.map((p) => p.userId).sort()], payload: r };
      },
    },
  ];
}

const SLOW_MS = 5_000;
const BASELINE_SAMPLES_WHEN_SLOW = 3;

export interface SettingsRow {
  screen: string;
  place: string;
  p50: number;
  p95: number;
  baseline: string;
  baseP50: number;
  baseP95: number;
  baseSamples: number;
  kib: number;
  baseKib: number;
}

/** Times each screen at each place, new and old interleaved; fails the report if they disagree. */
export async function sectionSettings(report: Report, label: string, db: Database, opts: { iterations: number; goal: boolean }): Promise<SettingsRow[]> {
  const one = async (sql: string, params: unknown[] = []) => (await db.sql.query<{ id: string; name: string }>(sql, params))[0];
  const ent = await one(`SELECT id, name FROM org_nodes WHERE kind = 'ENTERPRISE' ORDER BY created_at LIMIT 1`);
  const places = [
    { kind: "enterprise", ...ent },
    { kind: "region", ...(await one(`SELECT id, name FROM org_nodes WHERE kind = 'REGION' AND root_id = $1 ORDER BY name LIMIT 1`, [ent.id])) },
    { kind: "practice", ...(await one(`SELECT id, name FROM org_nodes WHERE kind = 'PRACTICE' AND root_id = $1 ORDER BY name LIMIT 1`, [ent.id])) },
  ];
  const people = await Promise.all(places.map(async (p) => Number((await db.sql.query<{ n: string }>(`SELECT count(DISTINCT b.user_id) AS n FROM role_bindings b JOIN org_node_closure c ON c.descendant_id = b.node_id WHERE c.ancestor_id = $1::uuid`, [p.id]))[0].n)));
  report.print(`\n  ${label}: ${opts.iterations} samples per case (after 2 warm-ups), new and old interleaved (an old one over ${SLOW_MS / 1000} s a call: ${BASELINE_SAMPLES_WHEN_SLOW} samples); the client payload as JSON.`);
  report.print(`  Places: ${places.map((p, i) => `${p.kind} "${p.name}" (${fmtInt(people[i])} people)`).join(", ")}.`);
  const rows: SettingsRow[] = [];
  for (const s of screens(db)) {
    for (const p of places) {
      const ours: number[] = [];
      const theirs: number[] = [];
      let kib = NaN;
      let baseKib = NaN;
      let slow = false;
      for (let i = 0; i < opts.iterations + 2; i++) {
        let t = performance.now();
        const a = await s.now(p.id);
        const at = performance.now() - t;
        // A baseline slower than SLOW_MS per call is sampled BASELINE_SAMPLES_WHEN_SLOW times only (the old enterprise tree takes ~25 s).
        if (slow && (i === 1 || theirs.length >= BASELINE_SAMPLES_WHEN_SLOW)) {
          if (i >= 2) ours.push(at);
          continue;
        }
        t = performance.now();
        const b = await s.before(p.id);
        const bt = performance.now() - t;
        if (i === 0) {
          slow = bt > SLOW_MS;
          const [da, db_] = [s.digest(a, "now"), s.digest(b, "before")];
          if (JSON.stringify(da.check) !== JSON.stringify(db_.check)) report.fail(`${label}: Settings > ${s.screen} at the ${p.kind}: the new code and ${s.baseline} disagree`);
          kib = Buffer.byteLength(JSON.stringify(da.payload)) / 1024;
          baseKib = db_.payload === null ? NaN : Buffer.byteLength(JSON.stringify(db_.payload)) / 1024;
        }
        if (i >= 2) {
          ours.push(at);
          theirs.push(bt);
        }
      }
      rows.push({ screen: s.screen, place: p.kind, p50: percentile(ours, 50), p95: percentile(ours, 95), baseline: s.baseline, baseP50: percentile(theirs, 50), baseP95: percentile(theirs, 95), baseSamples: theirs.length, kib, baseKib });
      const r = rows[rows.length - 1];
      report.print(`    ${s.screen} at the ${p.kind}: p95 ${fmt(r.p95, 1)} ms (before: ${fmt(r.baseP95, 1)} ms)`);
    }
  }
  report.table(
    ["screen", "place", "now p50 / p95 ms", "before p50 / p95 ms (samples)", "before is", "speed-up p95", "payload KiB now / before"],
    rows.map((r) => [r.screen, r.place, `${fmt(r.p50, 1)} / ${fmt(r.p95, 1)}`, `${fmt(r.baseP50, 1)} / ${fmt(r.baseP95, 1)} (${r.baseSamples})`, r.baseline, `${fmt(r.baseP95 / r.p95, 1)}×`, Number.isNaN(r.baseKib) ? `${fmt(r.kib, 1)} / -` : `${fmt(r.kib, 1)} / ${fmt(r.baseKib, 1)}`]),
  );
  if (opts.goal) {
    const worst = rows.reduce((w, r) => (r.p95 > w.p95 ? r : w));
    report.goal("6. settings screens", "first view of Settings > Users / Roles / Locations, p95 < 1 s", `slowest ${worst.screen} at the ${worst.place}: ${fmt(worst.p95, 1)} ms`, worst.p95 < 1000);
  }
  return rows;
}
