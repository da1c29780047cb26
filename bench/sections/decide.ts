import { decide, type DecisionContext } from "../../lib/authz/decide";
import type { Subject } from "../../lib/authz/subject";
import type { Universe } from "../dataset/universe";
import type { Report } from "../lib/report";
import { newSeries, perSecond, runBatch, type BatchRunner, type BatchSeries } from "../lib/timing";
import { fmt, fmtInt, percentile } from "../lib/util";
import { heldPermissions, makeWorkload, type Workload } from "../workload";

export function decideRunner(wl: Workload, subjects: readonly Subject[], ctx: DecisionContext): BatchRunner {
  return (offset, count) => {
    let allows = 0;
    const end = offset + count;
    for (let j = offset; j < end; j++) {
      if (decide(subjects[wl.subject[j]], wl.permission[j], wl.record[j], ctx)) allows++;
    }
    return allows;
  };
}

export const seriesRow = (s: BatchSeries, extra: (string | number)[] = []) => [
  s.name,
  fmt(percentile(s.samples, 50), 0),
  fmt(percentile(s.samples, 99), 0),
  fmt(s.totalNs / s.decisions, 0),
  fmtInt(perSecond(s)),
  `${fmt((100 * s.allows) / s.decisions, 1)}%`,
  ...extra,
];
export const SERIES_HEADERS = ["engine", "p50 ns/call", "p99 ns/call", "mean ns", "decisions/s", "allowed"];

export const seriesJson = (s: BatchSeries) => ({
  batchSize: s.batchSize,
  batches: s.samples.length,
  decisions: s.decisions,
  p50Ns: percentile(s.samples, 50),
  p99Ns: percentile(s.samples, 99),
  meanNs: s.totalNs / s.decisions,
  perSecond: perSecond(s),
  allowShare: s.allows / s.decisions,
});

export const REQUEST_RUN = 16;

/** Section 1: decide() alone over all subjects of the enterprise. */
export function decideWorkloads(u: Universe, pool: string[], subjects: Subject[], size = 200_000): { random: Workload; request: Workload } {
  const held = (s: number) => heldPermissions(subjects[s]);
  return { random: makeWorkload(u, pool, held, size, 1), request: makeWorkload(u, pool, held, size, 1, REQUEST_RUN) };
}

export function sectionDecide(report: Report, u: Universe, subjects: Subject[], workloads: { random: Workload; request: Workload }, ctx: DecisionContext, full: boolean, heapMiB: number): void {
  report.section("1. decide(): ns per call and decisions/s on one core");
  const { random, request } = workloads;
  const size = random.size;
  const batch = 1_000;
  const batches = full ? 5_000 : 2_000;
  const measure = (name: string, wl: Workload) => {
    const run = decideRunner(wl, subjects, ctx);
    const series = newSeries(name, batch);
    for (let i = 0; i < 300; i++) runBatch(series, run, (i * batch) % size, false); // warm-up (JIT)
    for (let i = 0; i < batches; i++) runBatch(series, run, (i * batch) % size);
    return series;
  };
  const a = measure("decide(), random subject each call", random);
  const b = measure(`decide(), ${REQUEST_RUN} calls per subject`, request);
  report.print(`  Workload: ${fmtInt(size)} fixed pseudo-random (subject, permission, record) triples over ${fmtInt(subjects.length)} subjects compiled`);
  report.print(`  up front (${fmtInt(u.bindingCount)} bindings); ${fmtInt(batches)} batches of ${fmtInt(batch)} calls timed with process.hrtime.bigint() after 300`);
  report.print(`  warm-up batches; percentiles over batches (ns per call = batch time / ${batch}). One Node.js thread.`);
  report.print(`  Goal row: a random subject for every call (the spec's workload: nearly every call starts on a subject whose`);
  report.print(`  data is not in the CPU caches). Second row, for reference: the same draws in runs of ${REQUEST_RUN} calls per subject,`);
  report.print(`  like the decisions one request makes.\n`);
  report.table(SERIES_HEADERS, [seriesRow(a), seriesRow(b)]);
  const p50 = percentile(a.samples, 50);
  report.goal("1", "decide() p50 <= 1 us per call", `${fmt(p50, 0)} ns`, p50 <= 1_000);
  report.goal("1", "decide() >= 1,000,000 decisions/s", fmtInt(perSecond(a)), perSecond(a) >= 1_000_000);
  const heapGoal = `heap for all ${fmtInt(subjects.length)} compiled subjects (${fmtInt(u.bindingCount)} bindings) <= 100 MiB`;
  report.goal("1", heapGoal, `${fmtInt(heapMiB)} MiB (${fmt((heapMiB * 1024) / u.bindingCount, 2)} KiB per binding; ${fmtInt(u.grantTables.size)} shared grant tables)`, heapMiB <= 100);
  report.set("decide", { workload: size, heapMiB, grantTables: u.grantTables.size, subjects: subjects.length, bindings: u.bindingCount, ...seriesJson(a), requestShaped: { runLength: REQUEST_RUN, ...seriesJson(b) } });
}

/** Section 3: the same workload shape over a subject set built from ~2,000 bindings vs all of them. */
export function sectionScaling(
  report: Report,
  u: Universe,
  big: { pool: string[]; subjects: Subject[]; random: Workload; request: Workload; heapMiB: number },
  small: { pool: string[]; subjects: Subject[]; bindings: number; heapMiB: number },
  ctx: DecisionContext,
  full: boolean,
): void {
  report.section("3. Scaling: decide() with subjects from all bindings vs from 2,000 bindings");
  const size = big.random.size;
  const held = (s: number) => heldPermissions(small.subjects[s]);
  const smallRandom = makeWorkload(u, small.pool, held, size, 1);
  const smallRequest = makeWorkload(u, small.pool, held, size, 1, REQUEST_RUN);
  const batch = 1_000;
  const bigName = `${fmtInt(u.bindingCount)} bindings (${fmtInt(big.subjects.length)} subjects)`;
  const smallName = `${fmtInt(small.bindings)} bindings (${fmtInt(small.subjects.length)} subjects)`;
  const runs: [BatchSeries, BatchRunner][] = [
    [newSeries(`${bigName}, random`, batch), decideRunner(big.random, big.subjects, ctx)],
    [newSeries(`${smallName}, random`, batch), decideRunner(smallRandom, small.subjects, ctx)],
    [newSeries(`${bigName}, ${REQUEST_RUN}/subject`, batch), decideRunner(big.request, big.subjects, ctx)],
    [newSeries(`${smallName}, ${REQUEST_RUN}/subject`, batch), decideRunner(smallRequest, small.subjects, ctx)],
  ];
  const rounds = full ? 3_000 : 1_500;
  for (let i = 0; i < 200; i++) for (const [s, r] of runs) runBatch(s, r, (i * batch) % size, false);
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < runs.length; k++) {
      const [s, r] = runs[(i + k) % runs.length];
      runBatch(s, r, (i * batch) % size);
    }
  }
  report.print(`  Workloads of ${fmtInt(size)} triples drawn the same way for both subject sets (a random subject each call, and runs`);
  report.print(`  of ${REQUEST_RUN} per subject); batches interleaved round-robin (${fmtInt(rounds)} rounds of ${batch} calls per series).\n`);
  report.table(SERIES_HEADERS, runs.map(([s]) => seriesRow(s)));
  const p50 = (k: number) => percentile(runs[k][0].samples, 50);
  const ratio = p50(0) / p50(1);
  const requestRatio = p50(2) / p50(3);
  report.print(`\n  heap of the compiled subjects: ${fmtInt(big.heapMiB)} MiB (all ${fmtInt(big.subjects.length)}), ${fmt(small.heapMiB, 1)} MiB (the ${fmtInt(small.subjects.length)} from ${fmtInt(small.bindings)} bindings; their grant tables were already shared)`);
  report.print(`  ratio all/2,000 (p50): random subject ${fmt(ratio, 2)}x; ${REQUEST_RUN} calls per subject ${fmt(requestRatio, 2)}x`);
  report.goal("3", "decide() time, all bindings / 2,000 bindings <= 1.5 (p50)", `${fmt(ratio, 2)}x`, ratio <= 1.5);
  report.set("scaling", {
    big: { bindings: u.bindingCount, subjects: big.subjects.length, random: seriesJson(runs[0][0]), requestShaped: seriesJson(runs[2][0]) },
    small: { bindings: small.bindings, subjects: small.subjects.length, random: seriesJson(runs[1][0]), requestShaped: seriesJson(runs[3][0]) },
    heapMiB: { big: big.heapMiB, small: small.heapMiB },
    ratioP50: ratio,
    requestShapedRatioP50: requestRatio,
  });
}
