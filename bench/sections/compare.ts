import { decide, type DecisionContext } from "../../lib/authz/decide";
import { explain } from "../../lib/authz/explain";
import type { Subject } from "../../lib/authz/subject";
import type { Universe } from "../dataset/universe";
import { buildCasbin } from "../engines/casbin";
import { buildCaslAbility, type CaslAbility } from "../engines/casl";
import { RoleFlattener } from "../engines/flatten";
import type { Report } from "../lib/report";
import { newSeries, runBatch, type BatchRunner, type BatchSeries } from "../lib/timing";
import { fmt, fmtInt, percentile } from "../lib/util";
import { heldPermissions, makeWorkload, type Workload } from "../workload";
import { SERIES_HEADERS, decideRunner, seriesJson, seriesRow } from "./decide";

/** Section 2: decide() vs CASL vs casbin on the same bindings; differential check first. */
export async function sectionCompare(
  report: Report,
  u: Universe,
  pool: string[],
  subjects: Subject[],
  ctx: DecisionContext & { now: number },
  cfg: { diffDecisions: number; full: boolean },
): Promise<boolean> {
  report.section("2. decide() vs @casl/ability vs casbin (same bindings, same process, interleaved)");
  const now = ctx.now;
  const flattener = new RoleFlattener(u.customRoles);
  const bindings = pool.reduce((n, id) => n + (u.bindingsByUser.get(id)?.length ?? 0), 0);

  let t = performance.now();
  const abilities: CaslAbility[] = [];
  let caslRules = 0;
  for (const id of pool) {
    const built = buildCaslAbility(u, flattener, id, now);
    abilities.push(built.ability);
    caslRules += built.rules;
  }
  const caslMs = performance.now() - t;
  const casbin = await buildCasbin(u, flattener, pool, now);
  t = performance.now();
  report.print(`  Subjects: ${fmtInt(pool.length)} users (all enterprise/region-level and standalone-practice staff, the rest drawn at random)`);
  report.print(`  holding ${fmtInt(bindings)} bindings. Built from those bindings:`);
  report.table(
    ["engine", "built from", "build time"],
    [
      ["decide()", `${fmtInt(pool.length)} compiled subjects (section 1)`, "see section 4"],
      ["CASL 7 (MongoAbility)", `${fmtInt(pool.length)} abilities, ${fmtInt(caslRules)} rules`, `${fmt(caslMs, 0)} ms`],
      ["casbin 5 (enforceSync)", `${fmtInt(casbin.pLines)} p, ${fmtInt(casbin.gLines)} g, ${fmtInt(casbin.g2Lines)} g2 lines`, `${fmt(casbin.buildMs, 0)} ms`],
    ],
  );
  report.print(`  (casbin scans every p line per call; without action groups it would have ${fmtInt(casbin.ungroupedPLines)} p lines, one per role × permission.)`);

  const wl = makeWorkload(u, pool, (s) => heldPermissions(subjects[s]), cfg.diffDecisions, 2);
  const runDecide = decideRunner(wl, subjects, ctx);
  const runCasl: BatchRunner = (offset, count) => {
    let allows = 0;
    for (let j = offset; j < offset + count; j++) if (abilities[wl.subject[j]].can(wl.permission[j], wl.record[j] as never)) allows++;
    return allows;
  };
  const e = casbin.enforcer;
  const runCasbin: BatchRunner = (offset, count) => {
    let allows = 0;
    for (let j = offset; j < offset + count; j++) {
      const r = wl.record[j];
      const p = r.path;
      if (e.enforceSync(pool[wl.subject[j]], p[0], p[1] ?? "", p[2] ?? "", p[3] ?? "", wl.permission[j], r)) allows++;
    }
    return allows;
  };

  // Differential check: every decision of the workload through all three engines.
  t = performance.now();
  let agree = 0;
  let allowed = 0;
  const pairs = { decideVsCasl: 0, decideVsCasbin: 0, caslVsCasbin: 0 };
  const examples: string[] = [];
  for (let j = 0; j < wl.size; j++) {
    const a = runDecide(j, 1) === 1;
    const b = runCasl(j, 1) === 1;
    const c = runCasbin(j, 1) === 1;
    if (a === b && b === c) {
      agree++;
      if (a) allowed++;
      continue;
    }
    if (a !== b) pairs.decideVsCasl++;
    if (a !== c) pairs.decideVsCasbin++;
    if (b !== c) pairs.caslVsCasbin++;
    if (examples.length < 8) examples.push(describe(wl, j, subjects, pool, u, ctx, { decide: a, casl: b, casbin: c }));
  }
  const diffSeconds = (performance.now() - t) / 1000;
  const disagreements = wl.size - agree;
  report.print(`\n  Differential check: ${fmtInt(wl.size)} random decisions through all three engines (${fmt(diffSeconds, 1)} s)`);
  report.table(
    ["decisions", "all agree", "disagree", "decide≠CASL", "decide≠casbin", "CASL≠casbin", "allowed"],
    [[fmtInt(wl.size), fmtInt(agree), fmtInt(disagreements), fmtInt(pairs.decideVsCasl), fmtInt(pairs.decideVsCasbin), fmtInt(pairs.caslVsCasbin), `${fmt((100 * allowed) / Math.max(agree, 1), 1)}%`]],
  );
  const result: Record<string, unknown> = {
    users: pool.length,
    bindings,
    casl: { rules: caslRules, buildMs: caslMs },
    casbin: { pLines: casbin.pLines, gLines: casbin.gLines, g2Lines: casbin.g2Lines, roles: casbin.roles, ungroupedPLines: casbin.ungroupedPLines, buildMs: casbin.buildMs },
    differential: { decisions: wl.size, agree, disagreements, ...pairs, allowShare: allowed / Math.max(agree, 1), seconds: diffSeconds, examples },
  };
  report.set("compare", result);
  if (disagreements > 0) {
    report.print("\n  Disagreements (first examples):");
    for (const ex of examples) report.print(`    ${ex}`);
    report.fail(`section 2: the engines disagree on ${disagreements} of ${wl.size} decisions; timings not taken`);
    return false;
  }

  // Timings: round-robin per batch, the engine order rotating each round.
  const probe = performance.now();
  runCasbin(0, 50);
  const casbinCallMs = (performance.now() - probe) / 50;
  const casbinBatch = Math.max(20, Math.min(1_000, Math.round(5 / casbinCallMs)));
  const rounds = Math.max(100, Math.min(cfg.full ? 1_000 : 400, Math.round(30_000 / (casbinBatch * casbinCallMs + 1))));
  const engines: [BatchSeries, BatchRunner][] = [
    [newSeries("decide()", 1_000), runDecide],
    [newSeries("CASL", 1_000), runCasl],
    [newSeries("casbin", casbinBatch), runCasbin],
  ];
  for (let i = 0; i < 50; i++) for (const [s, r] of engines.slice(0, 2)) runBatch(s, r, (i * 1_000) % (wl.size - 1_000), false);
  // For reference: each engine alone (its data stays in the CPU caches between batches).
  const alone = engines.map(([s, r]) => {
    const a = newSeries(s.name, s.batchSize);
    const n = s.batchSize >= 1_000 ? 300 : Math.max(30, Math.round(rounds / 4));
    for (let i = 0; i < n; i++) runBatch(a, r, (i * 1_000) % (wl.size - 1_000));
    return a;
  });
  for (let i = 0; i < rounds; i++) {
    const offset = (i * 1_000) % (wl.size - 1_000);
    for (let k = 0; k < engines.length; k++) {
      const [s, r] = engines[(i + k) % engines.length];
      runBatch(s, r, offset);
    }
  }
  const p50 = (s: BatchSeries) => percentile(s.samples, 50);
  const base = p50(engines[0][0]);
  report.print(`\n  Timing: ${fmtInt(rounds)} rounds; each round runs one batch per engine on the same slice of the workload`);
  report.print(`  (decide/CASL: 1,000 calls, casbin: ${casbinBatch} calls), engine order rotating. ns/call percentiles over batches.\n`);
  report.table([...SERIES_HEADERS, "× decide (p50)", "alone p50 ns"], engines.map(([s], k) => seriesRow(s, [`${fmt(p50(s) / base, 1)}x`, fmt(p50(alone[k]), 0)])));
  report.print(`\n  "alone": the same engine run on its own just before (${alone.map((a) => `${a.samples.length} batches`).join(" / ")}); interleaved, every batch starts`);
  report.print(`  with caches the other engines' batches have evicted, which costs the fast engines most.`);
  const casbinRatio = p50(engines[2][0]) / base;
  const caslRatio = p50(engines[1][0]) / base;
  report.goal("2", "decide() >= 50x faster than casbin (p50)", `${fmt(casbinRatio, 1)}x`, casbinRatio >= 50);
  report.goal("2", "decide() no slower than CASL (p50)", `CASL/decide = ${fmt(caslRatio, 2)}x`, caslRatio >= 1);
  result.timing = { rounds, decide: seriesJson(engines[0][0]), casl: seriesJson(engines[1][0]), casbin: seriesJson(engines[2][0]), alone: { decide: seriesJson(alone[0]), casl: seriesJson(alone[1]), casbin: seriesJson(alone[2]) }, casbinOverDecide: casbinRatio, caslOverDecide: caslRatio };
  return true;
}

function describe(wl: Workload, j: number, subjects: Subject[], pool: string[], u: Universe, ctx: DecisionContext, got: Record<string, boolean>): string {
  const r = wl.record[j];
  const s = subjects[wl.subject[j]];
  const why = explain(s, wl.permission[j], r, ctx);
  const rec = { ...r, path: undefined, node: `${u.nodeName.get(r.nodeId)} (${u.nodeKind.get(r.nodeId)})` };
  return `#${j} user ${pool[wl.subject[j]]} ${wl.permission[j]} ${JSON.stringify(rec)} -> ${JSON.stringify(got)}; decide says: ${why.reason}`;
}
