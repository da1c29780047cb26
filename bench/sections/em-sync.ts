/**
 * Section 9 (issue 14): the legacy migration of a 1,000-practice enterprise, and EM Sync lag under a
 * steady stream of changes, against the real practice system (its own process, its own schema on
 * the same PostgreSQL server) and a fresh CareAccess database on that server.
 *
 * - Migration: the practice system gets 1,000 practices of BENCH_EM_PEOPLE (default 10) people each,
 *   flag sets drawn from every combination, some people in two practices; CareAccess gets an
 *   enterprise with 1,000 practices. Each practice is planned (preflight + dry run) and applied in
 *   its own transaction, as the screen does; one directory read serves the whole batch. People per
 *   second over the whole run, and per practice p50/p95.
 * - Lag: EM Sync on for BENCH_EM_SYNC_PRACTICES (default 50) practices; for BENCH_EM_SECONDS (15 s)
 *   the practice system changes BENCH_EM_RATE (20) people a second while CareAccess changes 5 roles
 *   a second; the worker's round (pull, then push, for every practice with EM Sync on) runs every
 *   BENCH_EM_INTERVAL_MS (250 ms). Pull lag: the feed's commit time to the end of the round that
 *   applied it; push lag: the outbox row's change time to its delivery. The production default
 *   interval (EM_SYNC_INTERVAL_MS, 3 s) adds up to one interval to both.
 */
import pg from "pg";
import { builtinRoleId } from "../../lib/authz";
import { SubjectLoader } from "../../lib/authz/load";
import { createTestDatabase, type TestDatabase } from "../../lib/db/testing";
import { setMemberRoles } from "../../lib/members/admin";
import { createNode } from "../../lib/orgs/nodes";
import { PracticeSystemClient } from "../../lib/practice/connector";
import { syncRound } from "../../lib/practice/em-push";
import { setEmSync } from "../../lib/practice/em-sync";
import { KNOWN_LEGACY_FLAGS, applyMigration, practiceDirectory } from "../../lib/practice/migration";
import { syncBuiltinRoles } from "../../lib/roles/builtin";
import { spawnPracticeSystem, type RunningPracticeSystem } from "../../lib/testing/practice-system";
import type { Report } from "../lib/report";
import { Rng, fmt, fmtInt, percentile } from "../lib/util";

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

export async function sectionEmSync(report: Report, benchUrl: string, opts: { practices?: number } = {}): Promise<void> {
  // The server's maintenance database: the CareAccess database is a fresh one created from it, the
  // practice system gets a schema of its own there; both are dropped at the end.
  const server = new URL(benchUrl);
  server.pathname = "/postgres";
  const serverUrl = server.toString();
  report.section("9. Legacy migration of a 1,000-practice enterprise, and EM Sync lag under a steady stream of changes");
  const practices = opts.practices ?? env("BENCH_EM_PRACTICES", 1000);
  const perPractice = env("BENCH_EM_PEOPLE", 10);
  const syncPractices = Math.min(practices, env("BENCH_EM_SYNC_PRACTICES", 50));
  const seconds = env("BENCH_EM_SECONDS", 15);
  const rate = env("BENCH_EM_RATE", 20);
  const intervalMs = env("BENCH_EM_INTERVAL_MS", 250);
  const schema = `bench_practice_system_${process.pid}`;
  let db: TestDatabase | undefined;
  let system: RunningPracticeSystem | undefined;
  try {
    db = await createTestDatabase({ name: "postgres", url: serverUrl });
    system = await spawnPracticeSystem({ databaseUrl: serverUrl, schema, token: "bench" });
    const client = new PracticeSystemClient(system.url, { token: "bench", timeoutMs: 60_000 });
    const rng = new Rng(14);

    // The practice system's data: every flag combination appears; every 25th person is also in the next practice.
    let t = performance.now();
    const flagsOf = (n: number) => KNOWN_LEGACY_FLAGS.filter((_, i) => (n >> i) & 1);
    for (let p = 0; p < practices; p++) {
      await client.putPractice(`p${p}`, `Practice ${p}`);
      const people = Array.from({ length: perPractice }, (_, i) => ({ userId: `u${p}-${i}`, email: `person${p}-${i}@bench.test`, name: `Person ${p}-${i}`, flags: flagsOf(rng.int(1 << KNOWN_LEGACY_FLAGS.length)) }));
      if (p > 0 && p % 25 === 0) people.push({ userId: `u${p - 1}-0`, email: `person${p - 1}-0@bench.test`, name: `Person ${p - 1}-0`, flags: ["can_view_schedule"] });
      await client.bulkLoad(`p${p}`, people);
    }
    const seedMs = performance.now() - t;

    // CareAccess: one enterprise with the practices, an owner.
    await syncBuiltinRoles(db.prisma);
    const ent = await createNode(db.prisma, { kind: "ENTERPRISE", name: "Bench Enterprise", featureFlags: { enterpriseManagement: true, emSync: true } });
    const region = await createNode(db.prisma, { kind: "REGION", name: "Bench Region", parentId: ent.id });
    const nodes: string[] = [];
    for (let p = 0; p < practices; p++) nodes.push((await createNode(db.prisma, { kind: "PRACTICE", name: `Practice ${p}`, parentId: region.id })).id);
    const owner = await db.prisma.user.create({ data: { email: "owner@bench.test", name: "Bench Owner" } });
    await db.prisma.roleBinding.create({ data: { userId: owner.id, nodeId: ent.id, roleId: builtinRoleId("owner") } });
    const actor = { userId: owner.id, ip: null };

    // Migration, practice by practice.
    t = performance.now();
    const directory = await practiceDirectory(client);
    const directoryMs = performance.now() - t;
    const perPracticeMs: number[] = [];
    let migrated = 0;
    for (let p = 0; p < practices; p++) {
      const t0 = performance.now();
      const r = await db.prisma.$transaction((tx) => applyMigration(tx, client, actor, { nodeId: nodes[p], sourcePracticeId: `p${p}`, allowBlocking: true }, new Date(), { directory }), { timeout: 600_000 });
      perPracticeMs.push(performance.now() - t0);
      migrated += r.plan.summary.people - r.plan.summary.skipped;
    }
    const migrateMs = performance.now() - t;
    const links = await db.prisma.legacyLink.count();
    const peoplePerSecond = migrated / ((migrateMs + directoryMs) / 1000);
    report.table(
      ["migration", "value"],
      [
        ["practices / people in the practice system", `${fmtInt(practices)} / ${fmtInt(practices * perPractice + Math.floor((practices - 1) / 25))} (generated over HTTP in ${fmt(seedMs / 1000, 1)} s)`],
        ["directory read (several-practices check, once)", `${fmt(directoryMs / 1000, 2)} s`],
        ["migrated (role bindings + links)", `${fmtInt(migrated)} (${fmtInt(links)} links)`],
        ["total time", `${fmt((migrateMs + directoryMs) / 1000, 1)} s`],
        ["people per second", fmt(peoplePerSecond, 0)],
        ["per practice plan + apply, p50 / p95", `${fmt(percentile(perPracticeMs, 50), 1)} / ${fmt(percentile(perPracticeMs, 95), 1)} ms`],
      ],
    );
    if (links !== migrated) report.fail(`EM Sync bench: ${migrated} people migrated but ${links} links`);

    // EM Sync lag under a steady stream of changes.
    const head = (await client.changes(0, 1)).head;
    const synced = nodes.slice(0, syncPractices);
    await db.prisma.$transaction(async (tx) => {
      for (let p = 0; p < syncPractices; p++) {
        await setEmSync(tx, actor, { nodeId: synced[p], sourcePracticeId: `p${p}`, enabled: true });
        await tx.emSyncState.update({ where: { nodeId: synced[p] }, data: { cursor: BigInt(head) } });
      }
    });
    const subject = await new SubjectLoader(db.prisma).load(owner.id);
    const roleKeys = ["front_desk", "billing", "provider", "inventory_manager", "manager"];
    const pullLag: number[] = [];
    let seen = head;
    let remoteChanges = 0;
    let localChanges = 0;
    const end = Date.now() + seconds * 1000;
    const producer = (async () => {
      for (let i = 0; Date.now() < end; i++) {
        const p = rng.int(syncPractices);
        const person = rng.int(perPractice);
        await client.putUser(`p${p}`, `u${p}-${person}`, { email: `person${p}-${person}@bench.test`, name: `Person ${p}-${person}`, flags: flagsOf(rng.int(1 << KNOWN_LEGACY_FLAGS.length)) });
        remoteChanges++;
        await new Promise((r) => setTimeout(r, 1000 / rate));
      }
    })();
    const local = (async () => {
      while (Date.now() < end) {
        const p = rng.int(syncPractices);
        const link = await db!.prisma.legacyLink.findFirst({ where: { nodeId: synced[p] }, skip: rng.int(perPractice), select: { userId: true } });
        if (link) {
          await db!.prisma.$transaction((tx) => setMemberRoles(tx, { subject, userId: owner.id, ip: null }, synced[p], link.userId, [{ nodeId: synced[p], roleId: builtinRoleId(roleKeys[rng.int(roleKeys.length)]) }]));
          localChanges++;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const rounds: number[] = [];
    const consumer = (async () => {
      while (Date.now() < end + 3000) {
        const t0 = performance.now();
        await syncRound(db!.prisma, client);
        rounds.push(performance.now() - t0);
        const done = Date.now();
        const states = await db!.prisma.emSyncState.findMany({ where: { enabled: true }, select: { cursor: true } });
        const applied = Math.min(...states.map((s) => Number(s.cursor)));
        while (seen < applied) {
          const page = await client.changes(seen, Math.min(1000, applied - seen));
          for (const c of page.changes) if (c.origin !== "careaccess" && Number(c.practiceId.slice(1)) < syncPractices) pullLag.push(done - Date.parse(c.at));
          if (!page.changes.length) break;
          seen = page.cursor;
        }
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
    await Promise.all([producer, local, consumer]);
    const delivered = await db.prisma.emSyncOutbox.findMany({ where: { status: "delivered" }, select: { changedAt: true, deliveredAt: true } });
    const pushLag = delivered.map((r) => r.deliveredAt!.getTime() - r.changedAt.getTime());
    const left = await db.prisma.emSyncOutbox.count({ where: { status: { in: ["pending", "failed"] } } });
    const conflicts = await db.prisma.emSyncConflict.count();
    report.table(
      ["EM Sync under load", "value"],
      [
        ["practices with EM Sync on", fmtInt(syncPractices)],
        ["stream", `${seconds} s: practice system ${rate}/s (${fmtInt(remoteChanges)} changes), CareAccess 5/s (${fmtInt(localChanges)} role changes)`],
        ["worker round every", `${intervalMs} ms; round p50 / p95 ${fmt(percentile(rounds, 50), 0)} / ${fmt(percentile(rounds, 95), 0)} ms`],
        ["pull lag p50 / p95 (practice system → CareAccess)", `${fmt(percentile(pullLag, 50), 0)} / ${fmt(percentile(pullLag, 95), 0)} ms (${fmtInt(pullLag.length)} changes)`],
        ["push lag p50 / p95 (CareAccess → practice system)", `${fmt(percentile(pushLag, 50), 0)} / ${fmt(percentile(pushLag, 95), 0)} ms (${fmtInt(pushLag.length)} deliveries)`],
        ["left undelivered at the end / conflicts recorded", `${left} / ${conflicts}`],
      ],
    );
    if (left) report.fail(`EM Sync bench: ${left} outbox rows left undelivered`);
    report.set("emSync", {
      practices,
      perPractice,
      migrated,
      migrateSeconds: (migrateMs + directoryMs) / 1000,
      peoplePerSecond,
      perPracticeMs: { p50: percentile(perPracticeMs, 50), p95: percentile(perPracticeMs, 95) },
      lag: { intervalMs, syncPractices, seconds, rate, pullP50: percentile(pullLag, 50), pullP95: percentile(pullLag, 95), pushP50: percentile(pushLag, 50), pushP95: percentile(pushLag, 95), remoteChanges, localChanges, conflicts },
    });
  } finally {
    await system?.stop();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect().then(() => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => {});
    await admin.end().catch(() => {});
    await db?.destroy();
  }
}
