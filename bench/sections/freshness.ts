import { decide, type DecisionContext } from "../../lib/authz/decide";
import { SubjectLoader, bumpAuthzVersion } from "../../lib/authz/load";
import { SCOPE_SUBTREE, type Subject } from "../../lib/authz/subject";
import type { Permission } from "../../lib/authz/catalogue";
import type { Database } from "../../lib/db/client";
import { compileFromRows, type Universe, type UserBinding } from "../dataset/universe";
import type { Report } from "../lib/report";
import { Rng, fmt, fmtInt, percentile } from "../lib/util";
import type { BenchRecord } from "../workload";

/** Times SubjectLoader.load() split into its version check and its recompile (the private compile()). */
function instrument(loader: SubjectLoader) {
  const timing = { compileMs: 0 };
  const target = loader as unknown as { compile: (...args: unknown[]) => Promise<Subject> };
  const original = target.compile.bind(loader);
  target.compile = async (...args: unknown[]) => {
    const t = performance.now();
    try {
      return await original(...args);
    } finally {
      timing.compileMs = performance.now() - t;
    }
  };
  return timing;
}

const ms = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) });
const f3 = (v: number) => fmt(v, 3);

interface Candidate {
  userId: string;
  binding: UserBinding;
  rootId: string;
  permission: Permission;
  record: BenchRecord;
  label: "enterprise" | "standalone";
}

/** Section 4: subject compile time, and how fast a binding change reaches the next decision. */
export async function sectionFreshness(
  report: Report,
  db: Database,
  u: Universe,
  ctx: DecisionContext & { now: number },
  cfg: { pairs: number; full: boolean; solo: string; heapMiB: () => number },
): Promise<void> {
  report.section("4. Subject compile time, and a binding change reaching the next decision");
  const rng = new Rng(4);
  const users = [...u.userIds].sort();
  const sample = Array.from({ length: Math.min(cfg.full ? 1_000 : 300, users.length) }, () => users[rng.int(users.length)]);

  // (a) compileSubject alone, from rows already in memory.
  const pure: number[] = [];
  for (const id of sample.slice(0, 50)) compileFromRows(u, id); // warm-up
  for (const id of sample) {
    const t = performance.now();
    compileFromRows(u, id);
    pure.push(performance.now() - t);
  }
  // (b) SubjectLoader.load() cold (tree already cached) and warm (cache hit: version check only).
  const heapBeforeLoader = cfg.heapMiB();
  const loader = new SubjectLoader(db.prisma);
  const timing = instrument(loader);
  await loader.load(users[0]);
  const cold: number[] = [];
  const coldCheck: number[] = [];
  const coldCompile: number[] = [];
  const warm: number[] = [];
  const distinct = [...new Set(sample)];
  for (const id of distinct) {
    timing.compileMs = 0;
    const t = performance.now();
    await loader.load(id);
    const total = performance.now() - t;
    cold.push(total);
    coldCompile.push(timing.compileMs);
    coldCheck.push(total - timing.compileMs);
  }
  for (const id of distinct) {
    const t = performance.now();
    await loader.load(id);
    warm.push(performance.now() - t);
  }
  const loaderHeapMiB = cfg.heapMiB() - heapBeforeLoader;
  // (c) a tenant tree snapshot loaded from scratch (shared by all subjects of the tenant until the tree changes).
  const treeTimes: number[] = [];
  const ent = [...u.trees.values()].sort((a, b) => b.nodes.size - a.nodes.size)[0];
  for (let i = 0; i < 7; i++) {
    const fresh = new SubjectLoader(db.prisma);
    const t = performance.now();
    await fresh.tree(ent.rootId, ent.version);
    treeTimes.push(performance.now() - t);
  }
  // (d) the floor: one round trip to the database, through Prisma and through pg directly.
  const rtPrisma: number[] = [];
  const rtPg: number[] = [];
  for (let i = 0; i < 300; i++) {
    let t = performance.now();
    await db.prisma.$queryRaw`SELECT 1`;
    if (i >= 20) rtPrisma.push(performance.now() - t);
    t = performance.now();
    await db.sql.query(`SELECT 1`);
    if (i >= 20) rtPg.push(performance.now() - t);
  }
  // (e) the recompile's queries one by one, as the loader issues them (it runs the two in parallel).
  const qBindings: number[] = [];
  const qRoles: number[] = [];
  const qVersions: number[] = [];
  for (const id of distinct.slice(0, 300)) {
    let t = performance.now();
    await db.prisma.roleBinding.findMany({ where: { userId: id }, select: { id: true, nodeId: true, roleId: true, adjustments: true, expiresAt: true } });
    qBindings.push(performance.now() - t);
    t = performance.now();
    await db.prisma.role.findMany({ where: { tenantId: { in: [ent.rootId] } }, select: { id: true, key: true, name: true, tenantId: true, parentId: true, grants: true, removals: true } });
    qRoles.push(performance.now() - t);
    t = performance.now();
    await db.prisma.$queryRaw`
      SELECT n.id, n.authz_version, n.tree_version, n.roles_version FROM org_nodes n
      WHERE n.id IN (SELECT o.root_id FROM role_bindings b JOIN org_nodes o ON o.id = b.node_id WHERE b.user_id = ${id}::uuid)
      ORDER BY n.id`;
    qVersions.push(performance.now() - t);
  }
  const customRoles = [...u.customRoles.values()].filter((r) => r.tenantId === ent.rootId).length;
  const bindingsOf = (id: string) => u.bindingsByUser.get(id)?.length ?? 0;
  const avgBindings = distinct.reduce((n, id) => n + bindingsOf(id), 0) / distinct.length;
  report.print(`  ${fmtInt(distinct.length)} users drawn at random (${fmt(avgBindings, 1)} bindings each on average); times in ms.\n`);
  const row = (label: string, v: number[]) => [label, f3(percentile(v, 50)), f3(percentile(v, 95)), f3(percentile(v, 99))];
  report.print(`  Heap held by the loader after these loads (${fmtInt(distinct.length + 1)} subjects cached, the tenants' trees, roles and grant tables): ${fmt(loaderHeapMiB, 1)} MiB.\n`);
  report.table(["subject compile", "p50 ms", "p95 ms", "p99 ms"], [
    row("compileSubject() from rows in memory", pure),
    row("SubjectLoader.load(), not cached: total", cold),
    row("  version check query", coldCheck),
    row("  recompile (bindings + roles queries, compileSubject)", coldCompile),
    row("SubjectLoader.load(), cached (version check only)", warm),
    row(`tenant tree load + buildTree (${fmtInt(ent.nodes.size)} nodes)`, treeTimes),
    row("  alone: version check query ($queryRaw)", qVersions),
    row("  alone: the user's bindings (roleBinding.findMany)", qBindings),
    row(`  alone: the tenant's ${customRoles} custom roles (role.findMany)`, qRoles),
    row("floor: one round trip, SELECT 1 via Prisma", rtPrisma),
    row("floor: one round trip, SELECT 1 via pg", rtPg),
  ]);
  const compileJson = { users: distinct.length, avgBindings, loaderHeapMiB, compileSubject: ms(pure), loadCold: ms(cold), loadColdVersionCheck: ms(coldCheck), loadColdRecompile: ms(coldCompile), loadWarm: ms(warm), treeLoad: ms(treeTimes), treeNodes: ent.nodes.size, roundTripPrisma: ms(rtPrisma), roundTripPg: ms(rtPg), queryVersions: ms(qVersions), queryBindings: ms(qBindings), queryRoles: ms(qRoles) };

  // Candidates: a live binding at a practice (or in the standalone practice) that alone grants a
  // permission on a record at its node, so after revoking it the right answer is "deny".
  const candidates: Candidate[] = [];
  const soloCandidates: Candidate[] = [];
  const order = [...users];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const userId of order) {
    if (candidates.length >= 400 && soloCandidates.length >= 40) break;
    const rows = u.bindingsByUser.get(userId)!;
    const subject = compileFromRows(u, userId, rows);
    for (const b of rows) {
      const rootId = u.nodeRoot.get(b.nodeId)!;
      const isSolo = rootId === cfg.solo;
      if (!isSolo && u.nodeKind.get(b.nodeId) !== "PRACTICE") continue;
      if ((isSolo ? soloCandidates : candidates).length >= (isSolo ? 40 : 400)) continue;
      if (b.expiresAt && b.expiresAt.getTime() <= ctx.now) continue;
      const compiled = subject.bindings.find((x) => x.id === b.id);
      if (!compiled) continue;
      const grantable = [...compiled.grants].filter(([, gs]) => gs.some((g) => g.scope === SCOPE_SUBTREE && !g.hasConditions)).map(([p]) => p);
      if (!grantable.length) continue;
      const permission = grantable[rng.int(grantable.length)];
      const record: BenchRecord = { nodeId: b.nodeId, ownerId: null, assigneeIds: [], amount: undefined, approvedById: null, requestedById: null, path: u.pathOf.get(b.nodeId)! };
      if (!decide(subject, permission, record, ctx)) continue;
      const without = compileFromRows(u, userId, rows.filter((x) => x.id !== b.id));
      if (decide(without, permission, record, ctx)) continue;
      (isSolo ? soloCandidates : candidates).push({ userId, binding: b, rootId, permission, record, label: isSolo ? "standalone" : "enterprise" });
      break;
    }
  }

  type Split = { write: number[]; check: number[]; recompile: number[]; decide: number[]; propagate: number[]; total: number[] };
  const split = (): Split => ({ write: [], check: [], recompile: [], decide: [], propagate: [], total: [] });
  const stats = { enterprise: { revoke: split(), grant: split(), pairs: 0 }, standalone: { revoke: split(), grant: split(), pairs: 0 } };
  let staleAllows = 0;
  let staleDenies = 0;
  let notAllowedBefore = 0;
  let pending: Candidate | null = null;
  const restore = (c: Candidate) =>
    db.prisma.$transaction(async (tx) => {
      await tx.roleBinding.create({
        data: { id: c.binding.id, userId: c.userId, nodeId: c.binding.nodeId, roleId: c.binding.roleId, adjustments: (c.binding.adjustments ?? {}) as object, expiresAt: c.binding.expiresAt },
      });
      await bumpAuthzVersion(tx, c.rootId);
    });
  const observe = async (c: Candidate, s: Split, writeMs: number): Promise<boolean> => {
    timing.compileMs = 0;
    const t = performance.now();
    const subject = await loader.load(c.userId);
    const loadMs = performance.now() - t;
    const t0 = process.hrtime.bigint();
    const allowed = decide(subject, c.permission, c.record, ctx);
    const decideMs = Number(process.hrtime.bigint() - t0) / 1e6;
    s.write.push(writeMs);
    s.check.push(loadMs - timing.compileMs);
    s.recompile.push(timing.compileMs);
    s.decide.push(decideMs);
    s.propagate.push(loadMs + decideMs);
    s.total.push(writeMs + loadMs + decideMs);
    return allowed;
  };
  const pairsWall = performance.now();
  try {
    for (let i = 0; i < cfg.pairs; i++) {
      const useSolo = soloCandidates.length > 0 && (i % 10 === 9 || candidates.length === 0);
      const list = useSolo ? soloCandidates : candidates;
      if (!list.length) break;
      const c = list[i % list.length];
      const st = stats[c.label];
      st.pairs++;
      if (!decide(await loader.load(c.userId), c.permission, c.record, ctx)) notAllowedBefore++;
      let t = performance.now();
      pending = c;
      await db.prisma.$transaction(async (tx) => {
        await tx.roleBinding.delete({ where: { id: c.binding.id } });
        await bumpAuthzVersion(tx, c.rootId);
      });
      if (await observe(c, st.revoke, performance.now() - t)) staleAllows++;
      t = performance.now();
      await restore(c);
      pending = null;
      if (!(await observe(c, st.grant, performance.now() - t))) staleDenies++;
    }
  } finally {
    if (pending) await restore(pending);
  }
  const wallSeconds = (performance.now() - pairsWall) / 1000;
  const pairs = stats.enterprise.pairs + stats.standalone.pairs;
  report.print(`\n  Binding change -> next decision: ${fmtInt(pairs)} revoke-then-check pairs (${fmtInt(stats.enterprise.pairs)} on practice-level`);
  report.print(`  bindings in the enterprise, ${fmtInt(stats.standalone.pairs)} in the standalone practice), ${fmt(wallSeconds, 1)} s. Each pair: delete the binding`);
  report.print(`  + bumpAuthzVersion in one transaction, SubjectLoader.load() + decide() (must deny); then re-insert it the`);
  report.print(`  same way, load + decide (must allow). The loader had the subject cached before each change. ms:\n`);
  const rows: (string | number)[][] = [];
  for (const label of ["enterprise", "standalone"] as const) {
    for (const kind of ["revoke", "grant"] as const) {
      const s = stats[label][kind];
      if (!s.total.length) continue;
      const p = (v: number[]) => `${f3(percentile(v, 50))} / ${f3(percentile(v, 95))}`;
      rows.push([`${label === "enterprise" ? "enterprise practice" : "standalone practice"}, ${kind === "revoke" ? "delete" : "insert"}`, p(s.write), p(s.check), p(s.recompile), p(s.decide), p(s.propagate), p(s.total)]);
    }
  }
  report.table(["p50 / p95 ms", "DB write (tx)", "version check", "recompile", "decide", "change->decision", "write+all"], rows);
  report.print(`\n  "change->decision" = version check + recompile + decide, from the commit of the change to the decision that sees it.`);
  report.print(`  stale allows (allowed after the revoke committed): ${fmtInt(staleAllows)} of ${fmtInt(pairs)}; stale denies after re-grant: ${fmtInt(staleDenies)};`);
  report.print(`  not allowed before the revoke (should be 0): ${fmtInt(notAllowedBefore)}`);
  for (const [label, st] of [["practice-level binding in the enterprise", stats.enterprise], ["standalone practice (its own tenant)", stats.standalone]] as const) {
    if (!st.revoke.propagate.length) continue;
    const p50 = percentile(st.revoke.propagate, 50);
    const p50All = percentile(st.revoke.total, 50);
    report.goal("4", `binding change -> next decision <= 1 ms (p50, from commit), ${label}`, `${f3(p50)} ms (with the DB write: ${f3(p50All)} ms)`, p50 <= 1);
  }
  report.goal("4", "zero stale allows", `${fmtInt(staleAllows)} stale allows in ${fmtInt(pairs)} revoke-then-check pairs`, staleAllows === 0);
  if (staleAllows > 0) report.fail(`section 4: ${staleAllows} stale allows`);

  // Issue 11: expiry reached -> next decision refuses. Each pair gives the binding an end E (in one
  // transaction with bumpAuthzVersion), loads the subject (cached from then on), checks it allows
  // 1 ms before E, then asks again at E and one second after with nothing else changed (no job, no
  // version bump): both must deny. The original end is put back afterwards.
  const expiry = { pairs: 0, staleAllows: 0, earlyDenies: 0, recompilesAtExpiry: 0, atEnd: [] as number[] };
  const expiryPairs = Math.min(cfg.pairs, 2_000);
  const pool = [...candidates, ...soloCandidates];
  let unexpired: Candidate | null = null;
  const putBack = (c: Candidate) =>
    db.prisma.$transaction(async (tx) => {
      await tx.roleBinding.update({ where: { id: c.binding.id }, data: { expiresAt: c.binding.expiresAt } });
      await bumpAuthzVersion(tx, c.rootId);
    });
  try {
    for (let i = 0; i < expiryPairs && pool.length; i++) {
      const c = pool[i % pool.length];
      const end = ctx.now + 60_000 + (i % 7) * 1_000;
      unexpired = c;
      await db.prisma.$transaction(async (tx) => {
        await tx.roleBinding.update({ where: { id: c.binding.id }, data: { expiresAt: new Date(end) } });
        await bumpAuthzVersion(tx, c.rootId);
      });
      expiry.pairs++;
      if (!decide(await loader.load(c.userId), c.permission, c.record, { ...ctx, now: end - 1 })) expiry.earlyDenies++;
      const compilesBefore = loader.stats.compiles;
      const t = performance.now();
      const subject = await loader.load(c.userId);
      const atEnd = decide(subject, c.permission, c.record, { ...ctx, now: end });
      const after = decide(subject, c.permission, c.record, { ...ctx, now: end + 1_000 });
      expiry.atEnd.push(performance.now() - t);
      if (loader.stats.compiles !== compilesBefore) expiry.recompilesAtExpiry++;
      if (atEnd || after) expiry.staleAllows++;
      await putBack(c);
      unexpired = null;
    }
  } finally {
    if (unexpired) await putBack(unexpired);
  }
  report.print(`\n  Expiry reached -> next decision (issue 11): ${fmtInt(expiry.pairs)} pairs; the binding gets an end, the cached subject`);
  report.print(`  allows 1 ms before it and must deny at it and 1 s after, with no job and no change in between.`);
  report.print(`  stale allows at or after the end: ${fmtInt(expiry.staleAllows)} of ${fmtInt(expiry.pairs)}; denied before the end (should be 0): ${fmtInt(expiry.earlyDenies)};`);
  report.print(`  recompiles needed at the end (should be 0: the cached subject refuses by itself): ${fmtInt(expiry.recompilesAtExpiry)}; load + 2 decisions at the end p50 ${f3(percentile(expiry.atEnd, 50))} ms`);
  report.goal("4", "expiry reached -> next decision refuses (0 stale allows)", `${fmtInt(expiry.staleAllows)} stale allows in ${fmtInt(expiry.pairs)} expiry pairs`, expiry.staleAllows === 0 && expiry.pairs > 0);
  if (expiry.staleAllows > 0) report.fail(`section 4: ${expiry.staleAllows} stale allows after expiry`);
  if (expiry.earlyDenies > 0) report.fail(`section 4: ${expiry.earlyDenies} denies before the end`);
  const splitJson = (s: Split) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, ms(v)]));
  report.set("freshness", {
    compile: compileJson,
    pairs,
    requestedPairs: cfg.pairs,
    wallSeconds,
    staleAllows,
    staleDenies,
    notAllowedBefore,
    enterprise: { pairs: stats.enterprise.pairs, revoke: splitJson(stats.enterprise.revoke), grant: splitJson(stats.enterprise.grant) },
    standalone: { pairs: stats.standalone.pairs, revoke: splitJson(stats.standalone.revoke), grant: splitJson(stats.standalone.grant) },
    candidates: { enterprise: candidates.length, standalone: soloCandidates.length },
    expiry: { pairs: expiry.pairs, staleAllows: expiry.staleAllows, earlyDenies: expiry.earlyDenies, recompilesAtExpiry: expiry.recompilesAtExpiry, atEnd: ms(expiry.atEnd) },
  });
}
