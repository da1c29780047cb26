/**
 * Settings > Users at scale: `listMembers()` (the query behind the Users page and
 * GET /api/profiles/:id/members) on the generated enterprise (50,000 users, 200,000 bindings),
 * beside a hand-written SQL baseline for the same page, interleaved. Prints p50/p95 per case.
 * listMembers gets the tenant's tree as the route does (from the signed-in subject, cached), loaded
 * once here; its total is capped at COUNT_CAP ("10,000+"), the hand-written one is exact.
 * Run after `npm run bench` has generated the data: `npx tsx bench/members.ts`.
 */
import { openDatabase, type Database } from "../lib/db/client";
import { buildTree, type TenantTree } from "../lib/authz/tree";
import { COUNT_CAP } from "../lib/db/capped-count";
import { listMembers, memberListQuery } from "../lib/members/directory";

const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/careaccess_bench";
const ITER = Number(process.env.BENCH_MEMBER_ITERATIONS ?? 30);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** The same page by hand: people with a binding under the node, by name, 25 a page, with the total. */
async function baseline(db: Database, nodeId: string, page: number, q?: string) {
  const filter = q ? `AND (u.name ILIKE '%' || $2 || '%' OR u.email LIKE '%' || lower($2) || '%')` : "";
  const params = q ? [nodeId, q] : [nodeId];
  const under = `EXISTS (SELECT 1 FROM role_bindings b JOIN org_node_closure c ON c.descendant_id = b.node_id WHERE b.user_id = u.id AND c.ancestor_id = $1::uuid)`;
  const [rows, count] = await Promise.all([
    db.sql.query(`SELECT u.id, u.name, u.email FROM users u WHERE u.deleted_at IS NULL AND ${under} ${filter} ORDER BY u.name, u.id LIMIT 25 OFFSET ${(page - 1) * 25}`, params),
    db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM users u WHERE u.deleted_at IS NULL AND ${under} ${filter}`, params),
  ]);
  return { rows: rows.length, total: Number(count[0].n) };
}

export async function runMembersBench(db: Database, log = console.log) {
  const root = (await db.sql.query<{ id: string }>(`SELECT id FROM org_nodes WHERE kind = 'ENTERPRISE' ORDER BY created_at LIMIT 1`))[0].id;
  const region = (await db.sql.query<{ id: string }>(`SELECT id FROM org_nodes WHERE kind = 'REGION' AND root_id = $1 ORDER BY name LIMIT 1`, [root]))[0].id;
  const practice = (await db.sql.query<{ id: string }>(`SELECT id FROM org_nodes WHERE kind = 'PRACTICE' AND root_id = $1 ORDER BY name LIMIT 1`, [root]))[0].id;
  const tree: TenantTree = buildTree(root, await db.prisma.orgNode.findMany({ where: { rootId: root }, select: { id: true, parentId: true, rootId: true, kind: true, name: true, timeZone: true } }));
  const cases = [
    { name: "enterprise, page 1", node: root, page: 1 },
    { name: "enterprise, page 1,000", node: root, page: 1000 },
    { name: "enterprise, search 'user 4'", node: root, page: 1, q: "user 4" },
    { name: "region, page 1", node: region, page: 1 },
    { name: "practice, page 1", node: practice, page: 1 },
  ];
  log(`Settings > Users on ${db.target.label}: ${ITER} samples per case, listMembers() and the hand-written query interleaved`);
  log(`${"case".padEnd(30)} ${"people".padStart(7)}  ${"listMembers p50/p95 ms".padStart(24)}  ${"hand-written p50/p95 ms".padStart(24)}  ratio p95`);
  const results = [];
  for (const c of cases) {
    const ours: number[] = [];
    const hand: number[] = [];
    let total = 0;
    const query = memberListQuery.parse({ q: c.q, page: c.page, pageSize: 25 });
    for (let i = 0; i < ITER + 3; i++) {
      let t = performance.now();
      const r = await listMembers(db.prisma, c.node, query, undefined, { tree });
      const a = performance.now() - t;
      t = performance.now();
      const b = await baseline(db, c.node, c.page, c.q);
      const bt = performance.now() - t;
      if (r.total !== Math.min(b.total, COUNT_CAP) || r.totalCapped !== b.total > COUNT_CAP) throw new Error(`${c.name}: listMembers counted ${r.total}${r.totalCapped ? "+" : ""}, the hand-written query ${b.total}`);
      total = b.total;
      if (i >= 3) {
        ours.push(a);
        hand.push(bt);
      }
    }
    const row = { case: c.name, total, p50: pct(ours, 50), p95: pct(ours, 95), baseP50: pct(hand, 50), baseP95: pct(hand, 95) };
    results.push(row);
    log(`${c.name.padEnd(30)} ${String(total).padStart(7)}  ${`${row.p50.toFixed(1)} / ${row.p95.toFixed(1)}`.padStart(24)}  ${`${row.baseP50.toFixed(1)} / ${row.baseP95.toFixed(1)}`.padStart(24)}  ${(row.p95 / row.baseP95).toFixed(2)}×`);
  }
  return results;
}

if (import.meta.url.endsWith(process.argv[1]?.split("/").pop() ?? "")) {
  const db = await openDatabase(url);
  try {
    await runMembersBench(db);
  } finally {
    await db.close();
  }
}
