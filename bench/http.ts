/**
 * `npm run bench:http`: permission-checked reads over real HTTP on the built app, side by side in
 * one run with two baselines: a bare route handler (/api/health/live: Next, proxy.ts and the
 * wrapper, no database) and the health route (one `SELECT 1`). The reads: the profiles list, the
 * members page with a session and with an API key (issue 13), the patients page (audited).
 * autocannon drives each over loopback for BENCH_HTTP_SECONDS (default 10) with
 * BENCH_HTTP_CONNECTIONS (default 10), on PostgreSQL and then on PGlite (BENCH_HTTP_DBS=postgres,pglite).
 *
 * The app runs with CAREACCESS_TIMING=1, so every answer carries Server-Timing spans (lib/api/timing.ts).
 * req/s and latency come from a client that reads nothing of the answers; the per-request breakdown
 * (proxy, JWT, session row, subject, policy, handler, JSON) is the mean over a further 3 s run per
 * route whose client reads every answer's spans (on 2 cores that reading takes CPU from the app).
 *
 * The app runs as `npm start` runs it (scripts/start.ts: migrations, demo seed, build when the
 * sources are newer than .next) on a database of its own, dropped and created at the start:
 * BENCH_HTTP_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/careaccess_bench_http; PGlite in a temp directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { DEMO_PASSWORD } from "../prisma/demo-accounts";
import { machineFacts } from "./lib/config";
import { Report } from "./lib/report";
import { fmt, fmtInt } from "./lib/util";
import { parseServerTiming } from "../lib/api/timing";
import { signInOverHttp } from "../lib/testing/http-sign-in";
import { builtinRoleId } from "../lib/authz/roles";
import { startBalancer, startInstance, waitFor, type Balancer } from "../scripts/cluster";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.BENCH_HTTP_PORT ?? 3390);
const base = `http://127.0.0.1:${port}`;
const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
/** The breakdown's own run per route (its client parses every answer's Server-Timing). */
const SPAN_SECONDS = 3;
const connections = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const postgresUrl = process.env.BENCH_HTTP_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/careaccess_bench_http";
type Kind = "postgres" | "postgres-nocache" | "pglite" | "cluster";
/** postgres-nocache: PostgreSQL with SESSION_CACHE_MS=0, every request reads its session row (the cache's share). */
/** cluster: two instances (npm run start:cluster's pieces) on one PostgreSQL behind the loopback balancer. */
const databases = (process.env.BENCH_HTTP_DBS ?? "postgres,postgres-nocache,pglite,cluster").split(",").map((d) => d.trim()) as Kind[];
const report = new Report();

async function freshDatabase(url: string) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Use a plain database name in BENCH_HTTP_DATABASE_URL, not "${name}".`);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: "/postgres" }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

function startApp(databaseUrl: string, extraEnv: Record<string, string> = {}): ChildProcess {
  // Its own process group, so stopping it stops tsx, the app and the build under it.
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), NEXTAUTH_URL: base, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", CAREACCESS_TIMING: "1", ...extraEnv },
  });
  let output = "";
  const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.on("exit", (code) => code && console.error(`The app exited with ${code}:\n${output}`));
  return child;
}

async function waitForHealth(timeoutMs = 900_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error("The app did not answer /api/health in time.");
}

/** Signs in as the sign-in form does (at `at`, default the app's address); returns the cookie header. */
const signIn = (email: string, at = base) => signInOverHttp(at, email, DEMO_PASSWORD);

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(`${base}${url}`, init);
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

interface Run {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Mean of each Server-Timing span over every answer of the breakdown run (ms). */
  spans: Record<string, number>;
  /** req/s of the breakdown run (its client reads every answer). */
  spanRps: number;
}

const SPANS = ["proxy", "jwt", "session", "subject", "policy", "handler", "serialize", "total"] as const;

async function drive(name: string, url: string, headers: Record<string, string>): Promise<Run> {
  await autocannon({ url: `${base}${url}`, connections, duration: 2, headers }); // warm-up: JIT, caches, pool
  // Throughput and latency with a client that reads nothing: on 2 cores the client's own work on
  // every answer (buffering the body, parsing Server-Timing) takes CPU from the app and the database.
  const r = await autocannon({ url: `${base}${url}`, connections, duration: seconds, headers });
  // Then the breakdown, from a shorter run that reads every answer's Server-Timing.
  const sums: Record<string, number> = {};
  let counted = 0;
  const onResponse = (_status: number, _body: string, _context: unknown, h: Record<string, string | string[]>) => {
    const value = h["server-timing"] ?? h["Server-Timing"];
    const spans = parseServerTiming(Array.isArray(value) ? value.join(",") : value);
    if (spans.total === undefined) return;
    counted++;
    for (const [k, v] of Object.entries(spans)) sums[k] = (sums[k] ?? 0) + v;
  };
  const timed = await autocannon({ url: `${base}${url}`, connections, duration: SPAN_SECONDS, requests: [{ method: "GET", headers, onResponse }] } as autocannon.Options);
  const spans = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(1, counted)]));
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + timed.non2xx, errors: r.errors + timed.errors, spans, spanRps: timed.requests.average };
}

async function stopApp(app: ChildProcess | undefined) {
  if (!app?.pid) return;
  const exited = new Promise((r) => app.once("exit", r));
  try {
    process.kill(-app.pid, "SIGTERM");
  } catch {
    return; /* already gone */
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  // The port is free once nothing answers on it.
  for (let i = 0; i < 50 && (await fetch(`${base}/api/health/live`).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 200));
}

/** One database: start the app on it, sign in, drive every route; returns the runs by key. */
async function benchOn(kind: Kind): Promise<Record<string, Run>> {
  let dir: string | undefined;
  let databaseUrl = postgresUrl;
  if (kind !== "pglite") await freshDatabase(postgresUrl);
  else databaseUrl = `pglite:${path.join((dir = mkdtempSync(path.join(os.tmpdir(), "careaccess-bench-http-"))), "pglite")}`;
  const label = { postgres: "PostgreSQL server", "postgres-nocache": "PostgreSQL server, session cache off (SESSION_CACHE_MS=0)", pglite: "PGlite (embedded)", cluster: "two instances on one PostgreSQL behind the loopback balancer" }[kind];
  report.print(`\n  ${label}: starting the app (migrations, demo seed, build if needed) …`);
  const apps: ChildProcess[] = [];
  let balancer: Balancer | undefined;
  if (kind === "cluster") {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), NEXTAUTH_URL: base, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", CAREACCESS_TIMING: "1" };
    apps.push(startInstance(port + 1, env, { quiet: true }));
    await waitFor(`http://127.0.0.1:${port + 1}/api/health`);
    apps.push(startInstance(port + 2, env, { quiet: true }));
    await waitFor(`http://127.0.0.1:${port + 2}/api/health`);
    balancer = await startBalancer({ port, hostname: "127.0.0.1", upstreams: [port + 1, port + 2] });
  } else apps.push(startApp(databaseUrl, kind === "postgres-nocache" ? { SESSION_CACHE_MS: "0" } : {}));
  try {
    await waitForHealth();
    const owner = await signIn("owner@northwind.test");
    const profiles = await json<{ id: string; name: string }[]>("/api/profiles", { headers: { cookie: owner } });
    const northwind = profiles.find((p) => p.name === "Northwind Dental Group")!.id;
    const seattle = profiles.find((p) => p.name === "Seattle Practice")?.id;
    if (!seattle) throw new Error("The owner's profiles list has no Seattle Practice.");
    // The same principal both ways (the owner), so the difference is the credential, not the grants.
    const key = await json<{ secret: string }>(`/api/profiles/${northwind}/api-keys`, {
      method: "POST",
      headers: { cookie: owner, "content-type": "application/json", origin: base },
      body: JSON.stringify({ name: "bench", permissions: ["members.read", "members.read_contact"], rateLimitPerMinute: 100_000 }),
    });
    const membersUrl = `/api/profiles/${seattle}/members`;
    const members = membersUrl.replace(seattle, "<Seattle>");
    const runs: Record<string, Run> = {
      bare: await drive("GET /api/health/live (bare route: no database)", "/api/health/live", {}),
      health: await drive("GET /api/health (one SELECT 1)", "/api/health", {}),
      profiles: await drive("GET /api/profiles with a session", "/api/profiles", { cookie: owner }),
      members: await drive(`GET ${members} with a session`, membersUrl, { cookie: owner }),
      membersKey: await drive(`GET ${members} with an API key`, membersUrl, { authorization: `Bearer ${key.secret}` }),
      patients: await drive("GET /api/patients?nodeId=<Seattle> (audited read)", `/api/patients?nodeId=${seattle}`, { cookie: owner }),
    };
    const list = Object.values(runs);
    report.table(
      ["route", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors"],
      list.map((r) => [r.name, fmtInt(r.rps), fmt(r.p50, 1), fmt(r.p99, 1), fmtInt(r.non2xx), fmtInt(r.errors)]),
    );
    report.print("\n  Where the time goes (mean ms per request from Server-Timing; wall time under load, so waits for the event loop count too):");
    report.table(
      ["route", ...SPANS, "per request"],
      list.map((r) => [r.name.split(" (")[0], ...SPANS.map((s) => (r.spans[s] === undefined ? "–" : fmt(r.spans[s], 2))), fmt(perRequest(r.spanRps), 2)]),
    );
    report.print(`  From a ${SPAN_SECONDS} s run per route whose client reads every answer; per request = connections / that run's req/s; what is not in \`total\` is Next.js's routing, Node's HTTP and the client sharing the 2 cores.`);
    for (const r of list) if (r.non2xx || r.errors) report.fail(`${kind}: ${r.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
    if (kind === "cluster") {
      const portland = profiles.find((p) => p.name === "Portland Practice")!.id;
      await revocationPairs(`http://127.0.0.1:${port + 1}`, `http://127.0.0.1:${port + 2}`, { northwind, seattle, portland });
    }
    return runs;
  } finally {
    await balancer?.close();
    for (const app of apps) await stopApp(app);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A role at Seattle taken away on instance A, then Dr. Lee's next request on instance B, and given
 * back, BENCH_HTTP_PAIRS times (default 1,000): B must refuse after every removal (no stale allow).
 */
async function revocationPairs(a: string, b: string, places: { northwind: string; seattle: string; portland: string }) {
  const pairs = Number(process.env.BENCH_HTTP_PAIRS ?? 1000);
  const owner = await signIn("owner@northwind.test", a);
  const lee = await signIn("dr.lee@northwind.test", b);
  const leeId = ((await (await fetch(`${b}/api/me`, { headers: { cookie: lee } })).json()) as { user: { id: string } }).user.id;
  const put = async (nodeId: string, roleId: string | null) => {
    const res = await fetch(`${a}/api/profiles/${places.northwind}/members/${leeId}`, { method: "PUT", headers: { cookie: owner, origin: a, "content-type": "application/json" }, body: JSON.stringify({ assignments: [{ nodeId, roleId }] }) });
    if (!res.ok) throw new Error(`PUT role answered ${res.status}: ${await res.text()}`);
  };
  const provider = builtinRoleId("provider");
  await put(places.portland, provider); // keeps him a member of Northwind while Seattle's role comes and goes
  let staleAllows = 0;
  let staleDenies = 0;
  let worst = 0;
  for (let i = 0; i < pairs; i++) {
    const remove = i % 2 === 0;
    await put(places.seattle, remove ? null : provider);
    const t0 = performance.now();
    const status = (await fetch(`${b}/api/patients?nodeId=${places.seattle}`, { headers: { cookie: lee } })).status;
    worst = Math.max(worst, performance.now() - t0);
    if (remove && status === 200) staleAllows++;
    if (!remove && status !== 200) staleDenies++;
  }
  report.print(`\n  Revocation across instances: ${fmtInt(pairs)} pairs (role removed or given back on A, Dr. Lee's next request on B): ${staleAllows} stale allows, ${staleDenies} stale denies; slowest answer on B ${fmt(worst, 1)} ms.`);
  report.goal("http", `a revocation on one instance refused by the other on its next request: 0 stale allows in ${fmtInt(pairs)} pairs`, `${staleAllows} stale allows`, staleAllows === 0 && pairs >= 1000);
}

// At a fixed number of connections, time per request = connections / throughput.
const perRequest = (rps: number) => (1000 * connections) / rps;

try {
  report.section("CareAccess over HTTP (npm run bench:http)");
  const facts = machineFacts();
  report.print(`  ${facts.cpuModel}, ${facts.cores} cores, Node.js ${facts.node}; load average at start ${facts.loadAverageAtStart.join(" / ")}`);
  report.print(`  ${connections} connections, ${seconds} s per route after a 2 s warm-up; app and autocannon share the machine.`);
  if (await fetch(`${base}/api/health`).then(() => true, () => false)) throw new Error(`Something already listens on ${base}: stop it or set BENCH_HTTP_PORT.`);
  const results: Partial<Record<Kind, Record<string, Run>>> = {};
  for (const kind of databases) results[kind] = await benchOn(kind);

  report.print("");
  const pg = results.postgres;
  if (pg) {
    const { members, health, bare, membersKey } = pg;
    report.print(`  PostgreSQL: the members read runs at ${fmt(members.rps / health.rps, 2)}× the health route's req/s and ${fmt(members.rps / bare.rps, 2)}× the bare route's; with a key at ${fmt(membersKey.rps / members.rps, 2)}× the session read.`);
    const policyShare = ((members.spans.subject ?? 0) + (members.spans.policy ?? 0)) / perRequest(members.spanRps);
    report.goal("http", "members page on PostgreSQL ≥ 1,000 req/s at 10 connections", `${fmtInt(members.rps)} req/s`, members.rps >= 1000);
    report.goal("http", "members page on PostgreSQL p99 ≤ 25 ms", `${fmt(members.p99, 1)} ms`, members.p99 <= 25);
    report.goal("http", "members page ≥ 0.6× the health route's req/s", `${fmt(members.rps / health.rps, 2)}×`, members.rps / health.rps >= 0.6);
    report.goal("http", "policy work (subject + decision) ≤ 5 % of request time", `${fmt(100 * policyShare, 1)} %`, policyShare <= 0.05);
  }
  const nocache = results["postgres-nocache"];
  if (pg && nocache) report.print(`  The session cache: members read ${fmtInt(nocache.members.rps)} → ${fmtInt(pg.members.rps)} req/s (${fmt(pg.members.rps / nocache.members.rps, 2)}×), session span ${fmt(nocache.members.spans.session ?? NaN, 2)} → ${fmt(pg.members.spans.session ?? NaN, 2)} ms.`);
  const cluster = results.cluster;
  if (pg && cluster) {
    const ratio = cluster.members.rps / pg.members.rps;
    report.goal("http", `two instances ≥ 1.6× one instance's req/s where the cores allow it (${facts.cores} cores here)`, `${fmt(ratio, 2)}× (${fmtInt(cluster.members.rps)} vs ${fmtInt(pg.members.rps)} req/s, members page)`, ratio >= 1.6);
  }
  if (pg && results.pglite) {
    const ratio = results.pglite.members.rps / pg.members.rps;
    report.goal("http", "members page on PGlite ≥ 0.5× PostgreSQL", `${fmt(ratio, 2)}× (${fmtInt(results.pglite.members.rps)} vs ${fmtInt(pg.members.rps)} req/s)`, ratio >= 0.5);
  }
  report.set("http", { connections, seconds, results, machine: facts });
  const file = report.write(path.join(root, "bench", "results-http"));
  report.print(`\n  Results: ${path.relative(root, file)}`);
} catch (err) {
  report.fail((err as Error).message);
}
process.exit(report.failures.length ? 1 : 0);
