import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { DecisionContext } from "../../lib/authz/decide";
import type { SubjectLoader } from "../../lib/authz/load";
import type { Subject } from "../../lib/authz/subject";
import { where } from "../../lib/authz/where";
import type { Database } from "../../lib/db/client";
import { PrismaClient, type Prisma } from "../../lib/db/generated/client";
import { COUNT_CAP, cappedPatientCount, visiblePatientsWhere } from "../../lib/patients/patients";
import type { Universe } from "../dataset/universe";
import type { Report } from "../lib/report";
import { Rng, fmt, fmtInt, percentile } from "../lib/util";

/**
 * Section 5: a where()-filtered patient page (50 rows by lastName, id) and its total count, beside
 * the same page and count written by hand and filtered only by the subject's tenant / nodes.
 */
export interface ListSubject {
  kind: string;
  userId: string;
}

const PERMISSION = "patients.read_contact" as const;
const SELECT = { id: true, firstName: true, lastName: true, dateOfBirth: true, phone: true, email: true, nodeId: true, primaryProviderId: true } as const;
const COLUMNS = "id, first_name, last_name, date_of_birth, phone, email, node_id, primary_provider_id";

/** The subjects the section lists patients for, picked from the bindings (first match by user id). */
export function pickListSubjects(u: Universe, ent: string, now: number): ListSubject[] {
  const live = (id: string) => (u.bindingsByUser.get(id) ?? []).filter((b) => !b.expiresAt || b.expiresAt.getTime() > now);
  const plain = (b: { adjustments: unknown }) => !b.adjustments || Object.keys(b.adjustments as object).length === 0;
  const users = [...u.userIds].sort();
  const single = (roleId: string, kind: string, root?: string) =>
    users.find((id) => {
      const all = u.bindingsByUser.get(id)!;
      const b = all[0];
      return all.length === 1 && live(id).length === 1 && b.roleId === roleId && plain(b) && u.nodeKind.get(b.nodeId) === kind && (!root || u.nodeRoot.get(b.nodeId) === root);
    });
  const out: ListSubject[] = [];
  const add = (kind: string, id: string | undefined) => id && out.push({ kind, userId: id });
  add("front desk (practice)", single("builtin:front_desk", "PRACTICE", ent));
  add("provider, assigned scope (practice)", single("builtin:provider", "PRACTICE", ent));
  add("region admin", single("builtin:admin", "REGION"));
  add("enterprise owner", single("builtin:owner", "ENTERPRISE"));
  // A floater: the most bindings, all in the enterprise at practices/locations, mixed roles.
  let floater: string | undefined;
  let most = 0;
  for (const id of users) {
    const bs = live(id);
    if (bs.length > most && bs.every((b) => u.nodeRoot.get(b.nodeId) === ent && ["PRACTICE", "LOCATION"].includes(u.nodeKind.get(b.nodeId)!))) {
      most = bs.length;
      floater = id;
    }
  }
  add(`floater (${most} bindings, mixed roles)`, floater);
  return out;
}

interface Prepared {
  kind: string;
  subject: Subject;
  /** The hand-written filter: the subject's tenant, or the nodes its live bindings reach (from org_node_closure). */
  hand: Prisma.PatientWhereInput;
  handSql: { condition: string; param: string | string[] };
  handNodes: number;
}

function handFilter(u: Universe, subject: Subject, now: number): Pick<Prepared, "hand" | "handSql" | "handNodes"> {
  const live = subject.bindings.filter((b) => b.expiresAt > now);
  const root = live.find((b) => b.nodeId === b.rootId);
  if (root && live.every((b) => b.rootId === root.rootId)) {
    return { hand: { tenantId: root.rootId }, handSql: { condition: "tenant_id = $1::uuid", param: root.rootId }, handNodes: u.nodesByRoot.get(root.rootId)!.length };
  }
  const nodes = [...new Set(live.flatMap((b) => u.subtreeOf.get(b.nodeId) ?? []))];
  return { hand: { nodeId: { in: nodes } }, handSql: { condition: "node_id = ANY($1::uuid[])", param: nodes }, handNodes: nodes.length };
}

/** The page and count as lib/patients listPatients runs them: the count capped at COUNT_CAP + 1 rows ("10,000+"). */
async function page(db: Database, w: Prisma.PatientWhereInput, countWhere: Prisma.PatientWhereInput = w) {
  const [rows, count] = await Promise.all([
    db.prisma.patient.findMany({ where: w, orderBy: [{ lastName: "asc" }, { id: "asc" }], take: 50, select: SELECT }),
    cappedPatientCount(db.prisma, countWhere),
  ]);
  return { rows, total: count.total };
}
/** The same page with the exact (uncapped) count: what the list did before the cap, for reference. */
async function uncappedPage(db: Database, w: Prisma.PatientWhereInput) {
  const [rows, total] = await Promise.all([
    db.prisma.patient.findMany({ where: w, orderBy: [{ lastName: "asc" }, { id: "asc" }], take: 50, select: SELECT }),
    db.prisma.patient.count({ where: w }),
  ]);
  return { rows, total };
}
/**
 * The policy filter as the Patients page at the enterprise (or the subject's tenant) builds it:
 * lib/patients visiblePatientsWhere (where() narrowed to the place: where() alone or its node list
 * when its reach is small, else with the place's nodes / tenant).
 */
function policyWhere(subject: Subject, ctx: DecisionContext, forCount = false): Prisma.PatientWhereInput {
  return visiblePatientsWhere(subject, subject.bindings[0].rootId, undefined, { forCount, ctx });
}
const policyPage = (db: Database, subject: Subject, ctx: DecisionContext) => page(db, policyWhere(subject, ctx), policyWhere(subject, ctx, true));
const handPage = (db: Database, p: Prepared) => page(db, p.hand);

/** The hand-written query as raw SQL through the same pool (no ORM): reported for reference only. */
async function rawPage(db: Database, p: Prepared) {
  const [rows, count] = await Promise.all([
    db.sql.query<{ id: string }>(`SELECT ${COLUMNS} FROM patients WHERE ${p.handSql.condition} ORDER BY last_name, id LIMIT 50`, [p.handSql.param]),
    db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM patients WHERE ${p.handSql.condition} LIMIT ${COUNT_CAP + 1}) capped`, [p.handSql.param]),
  ]);
  return { rows, total: count[0].n };
}

export interface ListingResult {
  kind: string;
  policyTotal: number;
  handTotal: number;
  whereBuildUs: number;
  policy: { p50: number; p95: number };
  hand: { p50: number; p95: number };
  ratioP50: number;
  ratioP95: number;
  raw: { p50: number; p95: number };
  /** The policy page with the exact count (before the cap). */
  uncapped: { p50: number; p95: number };
  jitOff?: { p50: number; p95: number };
}

export async function sectionListing(
  report: Report,
  label: string,
  db: Database,
  loader: SubjectLoader,
  u: Universe,
  subjects: ListSubject[],
  ctx: DecisionContext & { now: number },
  opts: { iterations: number; patients: number; serverGoal: boolean; explainUrl?: string },
): Promise<ListingResult[]> {
  const prepared: Prepared[] = [];
  for (const s of subjects) {
    const subject = await loader.load(s.userId);
    prepared.push({ kind: s.kind, subject, ...handFilter(u, subject, ctx.now) });
  }
  // Correctness first: same rows where the filters mean the same thing.
  const totals = new Map<string, { policy: number; hand: number; samePage: boolean }>();
  for (const p of prepared) {
    const a = await policyPage(db, p.subject, ctx);
    const b = await handPage(db, p);
    totals.set(p.kind, { policy: a.total, hand: b.total, samePage: a.rows.map((r) => r.id).join() === b.rows.map((r) => r.id).join() });
  }
  for (let i = 0; i < 5; i++) for (const p of prepared) await Promise.all([policyPage(db, p.subject, ctx), handPage(db, p)]);

  const rng = new Rng(15);
  const times = new Map(prepared.map((p) => [p.kind, { policy: [] as number[], hand: [] as number[], raw: [] as number[], uncapped: [] as number[], build: [] as number[] }]));
  for (let i = 0; i < opts.iterations; i++) {
    for (const p of prepared) {
      const t = times.get(p.kind)!;
      const runPolicy = async () => {
        const t0 = performance.now();
        await policyPage(db, p.subject, ctx);
        t.policy.push(performance.now() - t0);
      };
      const runHand = async () => {
        const t0 = performance.now();
        await handPage(db, p);
        t.hand.push(performance.now() - t0);
      };
      const runRaw = async () => {
        const t0 = performance.now();
        await rawPage(db, p);
        t.raw.push(performance.now() - t0);
      };
      const runUncapped = async () => {
        const t0 = performance.now();
        await uncappedPage(db, where(p.subject, PERMISSION, "patient", ctx) as Prisma.PatientWhereInput);
        t.uncapped.push(performance.now() - t0);
      };
      // A seeded shuffle per iteration: a cyclic rotation put the policy query right after the
      // uncapped one (an exact count, ~100 ms at an enterprise) in 3 of 4 iterations, and the hand-
      // written one in 1 of 4, which slowed the policy side alone.
      const order = [runPolicy, runHand, runRaw, runUncapped];
      for (let k = order.length - 1; k > 0; k--) {
        const j = rng.int(k + 1);
        [order[k], order[j]] = [order[j], order[k]];
      }
      for (const run of order) await run();
    }
  }
  for (const p of prepared) {
    const t = times.get(p.kind)!;
    for (let i = 0; i < 200; i++) {
      const t0 = process.hrtime.bigint();
      where(p.subject, PERMISSION, "patient", ctx);
      t.build.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
  }

  report.print(`\n  ${label}: ${fmtInt(opts.patients)} patients; ${fmtInt(opts.iterations)} iterations per subject, policy and hand-written queries in a shuffled order.`);
  report.print(`  Each sample = findMany(where, orderBy lastName,id, take 50) and the capped count of lib/patients (COUNT over`);
  report.print(`  LIMIT ${fmtInt(COUNT_CAP + 1)}: "${fmtInt(COUNT_CAP)}+") run together (Promise.all), as the patients list runs them;`);
  report.print(`  where() itself included. Hand-written: the same Prisma page and count with a hand-written where`);
  report.print(`  (tenantId = …, or nodeId IN the nodes the subject's bindings reach); raw SQL: that query through pg, no ORM;`);
  report.print(`  Policy: lib/patients visiblePatientsWhere at the subject's tenant (where() alone when its reach is small`);
  report.print(`  and inside the place, else AND the place's tenant_id).`);
  report.print(`  uncapped: the page with where() alone and the exact count(where), as before issue 15. ms:\n`);
  const results: ListingResult[] = [];
  const rows = prepared.map((p) => {
    const t = times.get(p.kind)!;
    const tot = totals.get(p.kind)!;
    const r: ListingResult = {
      kind: p.kind,
      policyTotal: tot.policy,
      handTotal: tot.hand,
      whereBuildUs: percentile(t.build, 50),
      policy: { p50: percentile(t.policy, 50), p95: percentile(t.policy, 95) },
      hand: { p50: percentile(t.hand, 50), p95: percentile(t.hand, 95) },
      ratioP50: percentile(t.policy, 50) / percentile(t.hand, 50),
      ratioP95: percentile(t.policy, 95) / percentile(t.hand, 95),
      raw: { p50: percentile(t.raw, 50), p95: percentile(t.raw, 95) },
      uncapped: { p50: percentile(t.uncapped, 50), p95: percentile(t.uncapped, 95) },
    };
    results.push(r);
    return [
      p.kind,
      `${fmtInt(tot.policy)} / ${fmtInt(tot.hand)}`,
      fmt(r.whereBuildUs, 1),
      fmt(r.policy.p50, 2),
      fmt(r.policy.p95, 2),
      fmt(r.hand.p50, 2),
      fmt(r.hand.p95, 2),
      `${fmt(r.ratioP50, 2)}x / ${fmt(r.ratioP95, 2)}x`,
      `${fmt(r.raw.p50, 2)} / ${fmt(r.raw.p95, 2)}`,
      `${fmt(r.uncapped.p50, 2)} / ${fmt(r.uncapped.p95, 2)}`,
    ];
  });
  report.table(["subject", "rows: policy / hand", "where() us", "policy p50", "policy p95", "hand p50", "hand p95", "policy/hand p50 / p95", "raw SQL p50 / p95", "uncapped p50 / p95"], rows);
  const sectionTag = label.startsWith("PGlite") ? "5 (PGlite)" : "5 (server)";
  for (const r of results) {
    if (opts.serverGoal) report.goal(sectionTag, `${r.kind}: page+count p95 <= 15 ms`, `${fmt(r.policy.p95, 2)} ms`, r.policy.p95 <= 15);
    report.goal(sectionTag, `${r.kind}: p95 <= 1.25x hand-written`, `${fmt(r.ratioP95, 2)}x`, r.ratioP95 <= 1.25);
  }
  for (const p of prepared) {
    const tot = totals.get(p.kind)!;
    const sameMeaning = !p.kind.startsWith("provider") && !p.kind.startsWith("floater");
    if (sameMeaning && (tot.policy !== tot.hand || !tot.samePage)) report.fail(`section 5 ${label} ${p.kind}: where() page/count differ from the hand-written tenant query (${tot.policy} vs ${tot.hand})`);
  }
  if (opts.explainUrl) await explainQueries(report, opts.explainUrl, prepared, ctx, results, opts.iterations);
  return results;
}

/** Captures the SQL Prisma sends (query log) and the hand-written SQL, and runs EXPLAIN ANALYZE on both. */
async function explainQueries(report: Report, url: string, prepared: Prepared[], ctx: DecisionContext, results: ListingResult[], iterations: number): Promise<void> {
  // jit = off like the app's connections (lib/db/client.ts), so the plans are the ones measured above.
  const pool = new pg.Pool({ connectionString: url, max: 2, options: "-c jit=off" });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: "event", level: "query" }] });
  const captured: { query: string; params: string }[] = [];
  prisma.$on("query", (e) => captured.push({ query: e.query, params: e.params }));
  const plans: Record<string, unknown> = {};
  try {
    for (const p of prepared) {
      const explain = async (sql: string, params: string) => {
        try {
          return (await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, JSON.parse(params) as unknown[])).rows.map((r) => r["QUERY PLAN"] as string);
        } catch (err) {
          return [`(EXPLAIN failed: ${(err as Error).message})`];
        }
      };
      const entry: Record<string, unknown> = {};
      const w = policyWhere(p.subject, ctx);
      for (const [name, filter] of [["policy", w], ["hand", p.hand]] as const) {
        captured.length = 0;
        await prisma.patient.findMany({ where: filter, orderBy: [{ lastName: "asc" }, { id: "asc" }], take: 50, select: SELECT });
        await cappedPatientCount(prisma, filter);
        const queries = captured.filter((c) => /patients/.test(c.query));
        for (let i = 0; i < queries.length && i < 2; i++) {
          entry[`${name} ${i === 0 ? "page" : "count"}`] = { sql: queries[i].query, plan: await explain(queries[i].query, queries[i].params) };
        }
      }
      plans[p.kind] = entry;
      const r = results.find((x) => x.kind === p.kind)!;
      const missed = r.policy.p95 > 15 || r.ratioP95 > 1.25;
      const jitted = Object.values(entry).some((v) => (v as { plan: string[] }).plan.some((l) => l.startsWith("JIT:")));
      if (missed && jitted) {
        // Evidence, not a change: the same policy page through connections with jit = off.
        const noJitPool = new pg.Pool({ connectionString: url, max: 2, options: "-c jit=off" });
        const noJit = new PrismaClient({ adapter: new PrismaPg(noJitPool) });
        const samples: number[] = [];
        try {
          for (let i = 0; i < 5 + iterations; i++) {
            const t0 = performance.now();
            await page({ prisma: noJit } as unknown as Database, policyWhere(p.subject, ctx));
            if (i >= 5) samples.push(performance.now() - t0);
          }
        } finally {
          await noJit.$disconnect();
          await noJitPool.end();
        }
        const jitLines = Object.entries(entry).map(([name, v]) => `${name}: ${((v as { plan: string[] }).plan.find((l) => /^\s*Timing: Generation/.test(l)) ?? "no JIT").trim()}`);
        report.print(`\n  ${p.kind}: PostgreSQL JIT-compiles these queries (jit_above_cost is exceeded by the planner's estimate):`);
        for (const l of jitLines) report.print(`    ${l}`);
        report.print(`  The same policy page + count with jit = off (session setting; not applied to the benchmark's numbers):`);
        report.print(`    p50 ${fmt(percentile(samples, 50), 2)} ms, p95 ${fmt(percentile(samples, 95), 2)} ms over ${samples.length} runs (vs p50 ${fmt(r.policy.p50, 2)} / p95 ${fmt(r.policy.p95, 2)} ms above)`);
        r.jitOff = { p50: percentile(samples, 50), p95: percentile(samples, 95) };
      }
      if (missed) {
        report.print(`\n  EXPLAIN ANALYZE, ${p.kind} (goal missed):`);
        for (const [name, v] of Object.entries(entry)) {
          const plan = (v as { plan: string[] }).plan;
          report.print(`    ${name}: ${plan.find((l) => l.startsWith("Execution Time")) ?? ""}`);
          for (const l of plan.filter((l) => !/^(Planning|Execution)/.test(l)).slice(0, 10)) report.print(`      ${l.length > 160 ? `${l.slice(0, 157)}...` : l}`);
        }
      }
    }
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
  report.set("listingPlans", plans);
}
