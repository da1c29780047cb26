import { randomUUID } from "node:crypto";
import pg from "pg";
import { activityListQuery, listActivity } from "../../lib/audit/activity";
import { GENESIS, hashEvent, recordAudit, verifyChain } from "../../lib/audit/audit";
import { openDatabase, type Database, type Tx } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { MIGRATIONS } from "../dataset/generate";
import type { Report } from "../lib/report";
import { fmt, fmtInt, percentile } from "../lib/util";

/**
 * Section 7 (issue 9): the audit log on PostgreSQL, in its own database (BENCH_AUDIT_DATABASE_URL,
 * default careaccess_audit_bench on the bench server), so it needs none of the policy dataset.
 *  (a) hash-chained appends (recordAudit: chain lock, previous hash, insert, subscribers) with 8
 *      concurrent writers on one tenant's chain, and on 8 tenants' chains, vs plain inserts of the
 *      same rows, one transaction per row each, in the same run;
 *  (b) chain verification (verifyChain) over a real chain;
 *  (c) an activity-log page + count at 1,000,000 events of one tenant (synthetic rows, not chained).
 */
const VERIFY_TENANT = "00000000-0000-4000-8000-00000000a7e1";
const LIST_TENANT = "00000000-0000-4000-8000-00000000a7e2";
const WRITERS = 8;

function adminUrl(url: string) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`BENCH_AUDIT_DATABASE_URL: "${name}" must be a plain identifier`);
  u.pathname = "/postgres";
  return { admin: u.toString(), name };
}

async function openAuditBench(url: string): Promise<Database> {
  const { admin, name } = adminUrl(url);
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (!found.rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const db = await openDatabase(url);
  await migrate(db.sql, MIGRATIONS);
  // The plain-insert twin, rebuilt when it predates a column of audit_events (the generated `outcome`).
  const [{ stale }] = (await db.sql.query<{ stale: boolean }>(`SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'bench_audit_plain') AND NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'bench_audit_plain' AND column_name = 'outcome' AND is_generated = 'ALWAYS') AS stale`));
  if (stale) await db.sql.exec(`DROP TABLE bench_audit_plain`);
  await db.sql.exec(`CREATE TABLE IF NOT EXISTS bench_audit_plain (LIKE audit_events INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING INDEXES)`);
  return db;
}

/** A clinical-note read: an action no alert rule or webhook family watches, so subscribers return at once. */
const row = (tenantId: string, i: number, actors: string[]) => ({
  tenantId,
  actorId: actors[i % actors.length],
  action: "clinical_note.read",
  targetType: "patient",
  targetId: `p-${i}`,
  details: { via: "bench", i },
  ip: `10.0.${i % 250}.1`,
  nodeId: tenantId,
  userAgent: "bench",
});

async function writers(n: number, perWriter: number, fn: (w: number, i: number) => Promise<void>): Promise<number> {
  const t = performance.now();
  await Promise.all(Array.from({ length: n }, async (_, w) => {
    for (let i = 0; i < perWriter; i++) await fn(w, i);
  }));
  return (n * perWriter) / ((performance.now() - t) / 1000);
}

export async function sectionAudit(report: Report, url: string, cfg: { appends: number; verifyEvents: number; listEvents: number; iterations: number }): Promise<Record<string, unknown>> {
  report.section("7. Audit log: hash-chained appends (8 writers) vs plain inserts, chain verification, activity page + count at 1,000,000 events");
  const db = await openAuditBench(url);
  const out: Record<string, unknown> = {};
  try {
    const version = (await db.sql.query<{ v: string }>(`SELECT version() AS v`))[0].v;
    report.print(`  Database: ${db.target.label} (${version.split(" on ")[0]}); its own, migrated; ${WRITERS} writers share the Prisma pg pool.`);
    const actors = Array.from({ length: 50 }, () => randomUUID());
    const per = Math.max(10, Math.round(cfg.appends / WRITERS));

    // (a) Appends. Warm-up first (connections, prepared plans), then the measured runs, interleaved twice.
    const oneChain = randomUUID();
    const manyChains = Array.from({ length: WRITERS }, () => randomUUID());
    const chained = (tenant: (w: number) => string) => (w: number, i: number) => db.prisma.$transaction((tx: Tx) => recordAudit(tx, row(tenant(w), w * 1_000_000 + i, actors))) as Promise<void>;
    const plain = async (w: number, i: number) => {
      const r = row(oneChain, w * 1_000_000 + i, actors);
      await db.prisma.$transaction(async (tx: Tx) => {
        const createdAt = new Date();
        const hash = hashEvent(GENESIS, { ...r, createdAt });
        await tx.$executeRaw`INSERT INTO bench_audit_plain (tenant_id, actor_id, action, target_type, target_id, details, ip, created_at, prev_hash, hash, node_id, user_agent)
          VALUES (${r.tenantId}::uuid, ${r.actorId}::uuid, ${r.action}, ${r.targetType}, ${r.targetId}, ${JSON.stringify(r.details)}::jsonb, ${r.ip}, ${createdAt}, ${GENESIS}, ${hash + randomUUID()}, ${r.nodeId}::uuid, ${r.userAgent})`;
      });
    };
    await writers(WRITERS, 20, chained(() => randomUUID()));
    await writers(WRITERS, 20, plain);
    const runs = { plain: [] as number[], oneChain: [] as number[], manyChains: [] as number[] };
    for (let round = 0; round < 2; round++) {
      runs.plain.push(await writers(WRITERS, Math.round(per / 2), plain));
      runs.oneChain.push(await writers(WRITERS, Math.round(per / 2), chained(() => oneChain)));
      runs.manyChains.push(await writers(WRITERS, Math.round(per / 2), chained((w) => manyChains[w])));
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const plainRate = avg(runs.plain), oneRate = avg(runs.oneChain), manyRate = avg(runs.manyChains);
    const oneOk = await verifyChain(db.prisma, oneChain);
    report.table(["appends, one transaction per event", "events/s", "vs plain"], [
      ["plain INSERT of the same rows (no chain)", fmtInt(plainRate), "1.00"],
      ["hash-chained, 8 writers on one tenant's chain", fmtInt(oneRate), fmt(oneRate / plainRate, 2)],
      ["hash-chained, 8 writers on 8 tenants' chains", fmtInt(manyRate), fmt(manyRate / plainRate, 2)],
    ]);
    report.print(`  ${fmtInt(WRITERS * Math.round(per / 2) * 2)} events per mode (2 interleaved rounds); the one-tenant chain verifies afterwards: ${oneOk.ok ? "yes" : "NO"}.`);
    if (!oneOk.ok) report.fail(`the chain written by ${WRITERS} concurrent writers is broken at #${oneOk.brokenAt}`);
    report.goal("7 audit", "hash-chained appends, 8 writers, one chain >= 5,000/s", `${fmtInt(oneRate)}/s`, oneRate >= 5_000);
    report.goal("7 audit", "hash-chained appends >= 0.7x plain inserts (one chain)", `${fmt(oneRate / plainRate, 2)}x`, oneRate / plainRate >= 0.7);
    out.appends = { writers: WRITERS, eventsPerMode: WRITERS * Math.round(per / 2) * 2, plainPerSecond: plainRate, oneChainPerSecond: oneRate, manyChainsPerSecond: manyRate, runs };

    // (b) Verification over a real chain, built once (hashes computed here, inserted in batches).
    const have = Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1`, [VERIFY_TENANT]))[0].n);
    if (have !== cfg.verifyEvents) {
      if (have > 0) report.print(`  Verification chain has ${fmtInt(have)} events, want ${fmtInt(cfg.verifyEvents)}: using a fresh tenant id is not possible (fixed), so keep what is there.`);
      else {
        const t = performance.now();
        let prev = GENESIS;
        const base = Date.now() - cfg.verifyEvents * 1000;
        for (let start = 0; start < cfg.verifyEvents; start += 1000) {
          const values: unknown[] = [];
          const tuples: string[] = [];
          for (let i = start; i < Math.min(cfg.verifyEvents, start + 1000); i++) {
            const r = { ...row(VERIFY_TENANT, i, actors), createdAt: new Date(base + i * 1000), sessionId: null, via: null, credentialId: null, onBehalfOf: null };
            const hash = hashEvent(prev, r);
            const k = values.length;
            tuples.push(`($${k + 1}::uuid,$${k + 2}::uuid,$${k + 3},$${k + 4},$${k + 5},$${k + 6}::jsonb,$${k + 7},$${k + 8}::timestamptz,$${k + 9},$${k + 10},$${k + 11}::uuid,$${k + 12})`);
            values.push(r.tenantId, r.actorId, r.action, r.targetType, r.targetId, JSON.stringify(r.details), r.ip, r.createdAt.toISOString(), prev, hash, r.nodeId, r.userAgent);
            prev = hash;
          }
          await db.sql.query(`INSERT INTO audit_events (tenant_id, actor_id, action, target_type, target_id, details, ip, created_at, prev_hash, hash, node_id, user_agent) VALUES ${tuples.join(",")}`, values);
        }
        report.print(`  Built a ${fmtInt(cfg.verifyEvents)}-event chain in ${fmt((performance.now() - t) / 1000, 1)} s.`);
      }
    }
    const verifyRates: number[] = [];
    let verified = 0;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      const v = await verifyChain(db.prisma, VERIFY_TENANT);
      const s = (performance.now() - t) / 1000;
      if (!v.ok) report.fail(`the verification chain is broken at #${v.brokenAt}`);
      verified = v.ok ? v.count : 0;
      verifyRates.push(verified / s);
    }
    const verifyRate = Math.max(...verifyRates);
    report.print(`  verifyChain over ${fmtInt(verified)} events: ${verifyRates.map((r) => fmtInt(r)).join(" / ")} events/s (3 runs, best counts).`);
    report.goal("7 audit", "chain verification >= 200,000 events/s", `${fmtInt(verifyRate)}/s`, verifyRate >= 200_000);
    out.verify = { events: verified, perSecond: verifyRates };

    // (c) The activity log at 1,000,000 events of one tenant: synthetic rows (not chained), made once in SQL.
    const listHave = Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1`, [LIST_TENANT]))[0].n);
    const listActors = (await db.sql.query<{ a: string }>(`SELECT DISTINCT actor_id::text AS a FROM audit_events WHERE tenant_id = $1 LIMIT 200`, [LIST_TENANT])).map((r) => r.a);
    let people = listActors;
    if (listHave < cfg.listEvents) {
      const t = performance.now();
      people = listActors.length ? listActors : Array.from({ length: 200 }, () => randomUUID());
      const actions = ["patient.read", "patient.list", "clinical_note.read", "auth.sign_in", "auth.sign_in_failed", "member.role_changed", "member.role_added", "settings.changed", "patient.export", "appointment.created", "auth.sign_out", "invitation.sent"];
      await db.sql.query(
        `INSERT INTO audit_events (tenant_id, actor_id, action, target_type, target_id, details, ip, created_at, prev_hash, hash, user_agent)
         SELECT $1::uuid, ($2::uuid[])[1 + (g % 200)], ($3::text[])[1 + ((g * 7) % 12)], 'patient', 'p-' || (g % 50000), jsonb_build_object('i', g), '10.0.' || (g % 250) || '.1',
                now() - ((($4::int - g) * 3) * interval '1 second'), md5('prev' || g), md5(g::text || $1) || md5($1 || g::text), 'bench'
         FROM generate_series($5::int + 1, $4::int) AS g`,
        [LIST_TENANT, people, actions, cfg.listEvents, listHave],
      );
      // What autovacuum does to an insert-only table: statistics and the visibility map (index-only counts).
      await db.sql.exec(`VACUUM (ANALYZE) audit_events`);
      report.print(`  Inserted ${fmtInt(cfg.listEvents - listHave)} synthetic events for the listing in ${fmt((performance.now() - t) / 1000, 1)} s.`);
    }
    const total = Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1`, [LIST_TENANT]))[0].n);
    const place = { id: LIST_TENANT, tenantId: LIST_TENANT };
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const filters: [string, Record<string, string>][] = [
      ["person + action family + 30 days", { actor: people[3], action: "patient.", from: monthAgo, to: today }],
      ["exact action + 30 days", { action: "member.role_changed", from: monthAgo, to: today }],
      ["failures (outcome)", { outcome: "failure" }],
      ["person, all time", { actor: people[7] }],
      ["no filter (whole tenant)", {}],
    ];
    const rows: (string | number)[][] = [];
    const listing: Record<string, unknown>[] = [];
    for (const [label, f] of filters) {
      const q = activityListQuery.parse({ nodeId: LIST_TENANT, ...f });
      const times: number[] = [];
      let count = 0, pageRows = 0, capped = false;
      for (let k = 0; k < cfg.iterations + 5; k++) {
        const t = performance.now();
        const page = await listActivity(db.prisma, place, q);
        if (k >= 5) times.push(performance.now() - t);
        count = page.total.count;
        capped = page.total.capped;
        pageRows = page.rows.length;
      }
      const p50 = percentile(times, 50), p95 = percentile(times, 95);
      rows.push([label, `${fmtInt(count)}${capped ? "+" : ""}`, pageRows, fmt(p50, 1), fmt(p95, 1)]);
      listing.push({ label, filters: f, count, capped, pageRows, p50, p95 });
      report.goal("7 audit", `activity page + count at ${fmtInt(total)} events, ${label}: p95 <= 50 ms`, `${fmt(p95, 1)} ms`, p95 <= 50);
    }
    report.table(["filter (tenant root, first page of 50)", "matching", "rows", "p50 ms", "p95 ms"], rows);
    out.listing = { events: total, iterations: cfg.iterations, results: listing };
  } finally {
    await db.close();
  }
  return out;
}
