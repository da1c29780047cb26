import v8 from "node:v8";
import vm from "node:vm";
import type { Permission } from "../lib/authz/catalogue";
import { SubjectLoader } from "../lib/authz/load";
import type { Subject } from "../lib/authz/subject";
import { prepareServer, preparePglite, type Prepared } from "./dataset/database";
import { buildSpec, sizesFor } from "./dataset/spec";
import { compileFromRows, loadUniverse, type Universe } from "./dataset/universe";
import os from "node:os";
import { busyShareOver, machineCpu, machineFacts, readConfig } from "./lib/config";
import { Report } from "./lib/report";
import { Rng, fmt, fmtInt } from "./lib/util";
import { sectionCompare } from "./sections/compare";
import { decideWorkloads, sectionDecide, sectionScaling } from "./sections/decide";
import { sectionFreshness } from "./sections/freshness";
import { pickListSubjects, sectionListing } from "./sections/listing";
import { sectionSettings } from "./sections/settings";
import { sectionAudit } from "./sections/audit";

const started = performance.now();
const cpuAtStart = machineCpu();
const ownCpuAtStart = process.cpuUsage();
const cfg = readConfig();
const full = cfg.scale >= 1;
const report = new Report();
const log = (m: string) => report.print(m);
const heapMiB = () => process.memoryUsage().heapUsed / 2 ** 20;
// A full GC between sections, so one section's garbage is not collected during the next one's timings.
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;

report.section("CareAccess policy benchmark (npm run bench)");
const facts = { ...machineFacts(), v8HeapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20), busyBeforeStart: busyShareOver(1_000) };
const sizes = sizesFor(cfg.scale);
const spec = buildSpec(cfg.scale);

let server: Prepared | undefined;
let lite: Prepared | undefined;
// 7. The audit log (issue 9): its own database, so BENCH_ONLY=7 needs no policy dataset.
if (cfg.sections.has(7)) report.print(`\n  Machine: ${facts.cpuModel}, ${facts.cores} cores; load average ${facts.loadAverageAtStart.join(" / ")}; CPUs ${fmt(100 * facts.busyBeforeStart, 0)}% busy in the second before the run.`);
if (cfg.sections.has(7)) report.set("audit", await sectionAudit(report, cfg.audit.databaseUrl, cfg.audit));
const policySections = [...cfg.sections].some((n) => n <= 6);
try {
  policy: {
  if (!policySections) break policy;
  server = await prepareServer(cfg.databaseUrl, spec, cfg.scale, log);
  const pgVersion = (await server.db.sql.query<{ v: string }>(`SELECT version() AS v`))[0].v;
  report.table(["machine", ""], [
    ["CPU", facts.cpuModel],
    ["cores", `${facts.cores} (available parallelism ${facts.availableParallelism})`],
    ["memory", `${facts.memoryGiB} GiB; V8 heap limit ${fmtInt(facts.v8HeapLimitMiB)} MiB`],
    ["Node.js", `${facts.node} (${facts.platform})`],
    ["load", `load average ${facts.loadAverageAtStart.join(" / ")} (1 / 5 / 15 min); CPUs ${fmt(100 * facts.busyBeforeStart, 0)}% busy in the second before the run`],
    ["PostgreSQL", pgVersion],
    ["database", server.db.target.label],
    ["BENCH_SCALE", `${cfg.scale}${full ? " (full size)" : " (reduced: numbers are not the full-size goals' numbers)"}`],
  ]);
  report.set("machine", { ...facts, postgres: pgVersion });
  if (facts.busyBeforeStart > 0.2) {
    report.print(`\n  WARNING: other processes keep the CPUs ${fmt(100 * facts.busyBeforeStart, 0)}% busy: timings will be inflated and noisy.`);
  }
  report.set("config", { ...cfg, databaseUrl: server.db.target.label });

  const m = server.marker;
  report.print(`\n  Dataset: ${server.generated ? "generated now" : "reused"} (${server.reason}); generation took ${fmt(m.generationSeconds ?? NaN, 1)} s${server.generated ? "" : " when it was made"}.`);
  report.table(["rows", "count"], Object.entries(m.counts ?? {}).map(([k, v]) => [k, fmtInt(v)]));
  report.print(`  Shape: 1 enterprise, ${sizes.regions} regions, ${sizes.practices} practices with 1-3 locations each, ${sizes.customRoles} custom roles; plus a standalone practice (second tenant).`);
  report.set("dataset", { generatedNow: server.generated, reason: server.reason, generationSeconds: m.generationSeconds, steps: m.steps, counts: m.counts, sizes });

  // Everything read back in bulk; every subject compiled up front from those rows.
  let t = performance.now();
  const u: Universe = await loadUniverse(server.db.sql);
  const loadMs = performance.now() - t;
  collect();
  const heapBefore = heapMiB();
  t = performance.now();
  const pool = u.userIds;
  let subjects: Subject[] = pool.map((id) => compileFromRows(u, id));
  const compileMs = performance.now() - t;
  collect();
  const heapAfter = heapMiB();
  report.print(`\n  Rows loaded in ${fmt(loadMs / 1000, 1)} s; ${fmtInt(subjects.length)} subjects (${fmtInt(u.bindingCount)} bindings) compiled in ${fmt(compileMs / 1000, 1)} s`);
  report.print(`  (${fmt(compileMs / subjects.length, 3)} ms each); heap grew ~${fmtInt(heapAfter - heapBefore)} MiB (${fmt(((heapAfter - heapBefore) * 1024) / u.bindingCount, 1)} KiB per binding).`);
  report.set("subjects", { count: subjects.length, bindings: u.bindingCount, loadRowsMs: loadMs, compileAllMs: compileMs, heapGrowthMiB: heapAfter - heapBefore });

  // Sanity: the bulk path compiles the same subjects as SubjectLoader.load() does from the database.
  const loader = new SubjectLoader(server.db.prisma);
  const listSubjects = pickListSubjects(u, spec.ent, Date.now());
  const rng = new Rng(9);
  const checkIds = [...listSubjects.map((s) => s.userId), ...Array.from({ length: 20 }, () => pool[rng.int(pool.length)])];
  const shape = (s: Subject) => JSON.stringify([s.bindings.map((b) => [b.id, b.nodeId, b.roleId, b.expiresAt, [...b.grants].map(([p, g]) => `${p}:${g.map((x) => x.scope).join("")}`).sort()]).sort(), s.warnings.length]);
  let mismatched = 0;
  for (const id of checkIds) if (shape(await loader.load(id)) !== shape(compileFromRows(u, id))) mismatched++;
  report.print(`  Check: ${checkIds.length} subjects compiled from bulk rows equal SubjectLoader.load(): ${mismatched === 0 ? "yes" : `NO (${mismatched} differ)`}`);
  if (mismatched) report.fail(`${mismatched} subjects compiled from bulk rows differ from SubjectLoader.load()`);

  const now = Date.now();
  const ctx = { now };

  const run = (n: number) => cfg.sections.has(n);
  if (cfg.sections.size < 7) report.print(`  BENCH_ONLY: running section(s) ${[...cfg.sections].sort().join(", ")} only.`);
  const workloads = decideWorkloads(u, pool, subjects);

  // 1. decide()
  collect();
  if (run(1)) sectionDecide(report, u, subjects, workloads, ctx, full, heapAfter - heapBefore);

  // 2. decide() vs CASL vs casbin, on a sample of users.
  const byUser = new Map(pool.map((id, i) => [id, subjects[i]]));
  const special = pool.filter((id) => u.bindingsByUser.get(id)!.some((b) => u.nodeRoot.get(b.nodeId) === spec.solo || ["ENTERPRISE", "REGION"].includes(u.nodeKind.get(b.nodeId)!)));
  const rest = pool.filter((id) => !special.includes(id));
  const pick = new Rng(2);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = pick.int(i + 1);
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  collect();
  const samplePool = [...special, ...rest.slice(0, Math.max(0, cfg.sampleUsers - special.length))];
  if (run(2)) await sectionCompare(report, u, samplePool, samplePool.map((id) => byUser.get(id)!), ctx, { diffDecisions: cfg.diffDecisions, full });

  // 3. Scaling: a subject set compiled (separately) from the first users covering 2,000 bindings.
  const smallPool: string[] = [];
  let smallBindings = 0;
  for (const id of pool) {
    if (smallBindings >= 2_000) break;
    smallPool.push(id);
    smallBindings += u.bindingsByUser.get(id)!.length;
  }
  collect();
  const heapBeforeSmall = heapMiB();
  const smallSubjects = smallPool.map((id) => compileFromRows(u, id));
  collect();
  const heapSmall = heapMiB() - heapBeforeSmall;
  if (run(3)) sectionScaling(report, u, { pool, subjects, ...workloads, heapMiB: heapAfter - heapBefore }, { pool: smallPool, subjects: smallSubjects, bindings: smallBindings, heapMiB: heapSmall }, ctx, full);
  subjects = [];
  byUser.clear();

  // 4. Compile time and freshness (server).
  collect();
  if (run(4)) await sectionFreshness(report, server.db, u, ctx, { pairs: cfg.freshnessPairs, full, solo: spec.solo, heapMiB: () => (collect(), heapMiB()) });

  // 5. Patient lists: server, then the PGlite copy.
  collect();
  if (run(5)) {
    report.section("5. where()-filtered patient page + count vs a hand-written tenant-only query");
    report.print(`  Permission ${"patients.read_contact" satisfies Permission}; subjects:`);
    report.table(["subject", "user", "bindings"], listSubjects.map((s) => [s.kind, s.userId, u.bindingsByUser.get(s.userId)!.length]));
    const serverResults = await sectionListing(report, `PostgreSQL server (${server.db.target.label})`, server.db, new SubjectLoader(server.db.prisma), u, listSubjects, ctx, {
      iterations: cfg.listIterations,
      patients: m.counts?.patients ?? sizes.patients,
      serverGoal: true,
      explainUrl: cfg.databaseUrl,
    });
    report.print(`\n  PGlite copy: ${cfg.pgliteDir}`);
    lite = await preparePglite(cfg.pgliteDir, spec, cfg.scale, sizes.pglitePatients, log);
    const liteVersion = (await lite.db.sql.query<{ v: string }>(`SELECT version() AS v`))[0].v;
    report.print(`  PGlite dataset ${lite.generated ? "generated now" : "reused"} (${lite.reason}; generation ${fmt(lite.marker.generationSeconds ?? NaN, 1)} s): the same enterprise,`);
    report.print(`  users and bindings, but ${fmtInt(lite.marker.counts?.patients ?? sizes.pglitePatients)} patients (a smaller copy; the server has ${fmtInt(m.counts?.patients ?? 0)}). ${liteVersion}`);
    const liteResults = await sectionListing(report, `PGlite (in-process WASM, ${fmtInt(lite.marker.counts?.patients ?? 0)} patients)`, lite.db, new SubjectLoader(lite.db.prisma), u, listSubjects, ctx, {
      iterations: cfg.listIterations,
      patients: lite.marker.counts?.patients ?? sizes.pglitePatients,
      serverGoal: false,
    });
    report.set("listing", { permission: "patients.read_contact", subjects: listSubjects, server: serverResults, pglite: { dir: cfg.pgliteDir, version: liteVersion, patients: lite.marker.counts?.patients, generationSeconds: lite.marker.generationSeconds, results: liteResults } });
  }

  // 6. Settings screens at 50,000 people: server, then the PGlite copy.
  collect();
  if (run(6)) {
    report.section("6. Settings screens at 50,000 people: first view of Users, Roles, Locations vs the code they replaced");
    const serverRows = await sectionSettings(report, `PostgreSQL server (${server.db.target.label})`, server.db, { iterations: cfg.settingsIterations, goal: true });
    let liteRows = null;
    if (cfg.settingsPglite) {
      lite ??= await preparePglite(cfg.pgliteDir, spec, cfg.scale, sizes.pglitePatients, log);
      liteRows = await sectionSettings(report, `PGlite (in-process WASM, ${fmtInt(lite.marker.counts?.patients ?? 0)} patients)`, lite.db, { iterations: Math.max(5, Math.round(cfg.settingsIterations / 2)), goal: false });
    }
    report.set("settings", { server: serverRows, pglite: liteRows });
  }
  }
} finally {
  await server?.db.close().catch(() => {});
  await lite?.db.close().catch(() => {});
}

report.section("Summary");
report.table(["section", "goal", "measured", "result"], report.goals.map((g) => [g.section, g.goal, g.measured, g.met ? "MET" : "MISSED"]));
const totalSeconds = (performance.now() - started) / 1000;
report.print(`\n  Goals met: ${report.goals.filter((g) => g.met).length} of ${report.goals.length}. Correctness failures: ${report.failures.length}.`);
report.print(`  Total run time ${fmt(totalSeconds, 1)} s (dataset generation: ${server?.generated ? `${fmt(server.marker.generationSeconds ?? NaN, 1)} s now` : "reused"}).`);
const cpuAtEnd = machineCpu();
const own = process.cpuUsage(ownCpuAtStart);
const busyShare = cpuAtStart && cpuAtEnd ? (cpuAtEnd.busy - cpuAtStart.busy) / (cpuAtEnd.total - cpuAtStart.total) : NaN;
const ownShare = (own.user + own.system) / 1e6 / totalSeconds / facts.cores;
report.print(`  Machine CPU busy during the run: ${fmt(100 * busyShare, 0)}% of ${facts.cores} cores (this process ${fmt(100 * ownShare, 0)}%, the rest is PostgreSQL and anything`);
report.print(`  else running); load average at end ${os.loadavg().map((x) => x.toFixed(2)).join(" / ")}.`);
report.set("load", { atStart: facts.loadAverageAtStart, atEnd: os.loadavg(), machineBusyShare: busyShare, benchProcessShare: ownShare });
report.set("totalSeconds", totalSeconds);
report.set("finishedAt", new Date().toISOString());
const file = report.write(cfg.resultsDir);
report.print(`  Results written to ${file}`);
if (report.failures.length) {
  report.print(`\n  FAILED: ${report.failures.join("; ")}`);
  process.exitCode = 1;
}
