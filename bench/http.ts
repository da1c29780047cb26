/**
 * `npm run bench:http`: the permission-checked members read over real HTTP, three ways side by side
 * in one run on the built app and a PostgreSQL server: with a browser session, with an API key
 * (issue 13), and the health route as the baseline (one `SELECT 1`). autocannon drives each over
 * loopback for BENCH_HTTP_SECONDS (default 10) with BENCH_HTTP_CONNECTIONS (default 10).
 *
 * The app runs as `npm start` runs it (scripts/start.ts: migrations, demo seed, build when the
 * sources are newer than .next) on a database of its own, dropped and created at the start:
 * BENCH_HTTP_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/careaccess_bench_http.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { DEMO_PASSWORD } from "../prisma/demo-accounts";
import { machineFacts } from "./lib/config";
import { Report } from "./lib/report";
import { fmt, fmtInt } from "./lib/util";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.BENCH_HTTP_PORT ?? 3390);
const base = `http://127.0.0.1:${port}`;
const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const connections = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const databaseUrl = process.env.BENCH_HTTP_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/careaccess_bench_http";
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

function startApp(): ChildProcess {
  // Its own process group, so stopping it stops tsx, the app and the build under it.
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: randomBytes(32).toString("hex"), NEXTAUTH_URL: base, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
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

/** Signs in through next-auth's credentials callback, as the sign-in form does; returns the cookie header. */
async function signIn(email: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: base },
    body: new URLSearchParams({ csrfToken, email, password: DEMO_PASSWORD, json: "true", callbackUrl: base }),
  });
  keep(res);
  const me = await fetch(`${base}/api/me`, { headers: { cookie: cookie() } });
  if (!me.ok) throw new Error(`Signing in as ${email} failed: /api/me answered ${me.status}.`);
  return cookie();
}

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
}

async function drive(name: string, url: string, headers: Record<string, string>): Promise<Run> {
  await autocannon({ url: `${base}${url}`, connections, duration: 2, headers }); // warm-up: JIT, caches, pool
  const r = await autocannon({ url: `${base}${url}`, connections, duration: seconds, headers });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

let app: ChildProcess | undefined;
try {
  report.section("CareAccess over HTTP (npm run bench:http)");
  const facts = machineFacts();
  report.print(`  ${facts.cpuModel}, ${facts.cores} cores, Node.js ${facts.node}; load average at start ${facts.loadAverageAtStart.join(" / ")}`);
  report.print(`  ${connections} connections, ${seconds} s per route after a 2 s warm-up; app and autocannon share the machine.`);
  if (await fetch(`${base}/api/health`).then(() => true, () => false)) throw new Error(`Something already listens on ${base}: stop it or set BENCH_HTTP_PORT.`);
  await freshDatabase(databaseUrl);
  app = startApp();
  report.print("  Starting the app (migrations, demo seed, build if needed) …");
  await waitForHealth();

  const owner = await signIn("owner@northwind.test");
  const profiles = await json<{ id: string; name: string }[]>("/api/profiles", { headers: { cookie: owner } });
  const northwind = profiles.find((p) => p.name === "Northwind Dental Group")!.id;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const seattle = (await db.query<{ id: string }>(`SELECT id FROM org_nodes WHERE name = 'Seattle Practice'`)).rows[0].id;
  await db.end();
  // The same principal both ways (the owner), so the difference is the credential, not the grants.
  const key = await json<{ secret: string }>(`/api/profiles/${northwind}/api-keys`, {
    method: "POST",
    headers: { cookie: owner, "content-type": "application/json", origin: base },
    body: JSON.stringify({ name: "bench", permissions: ["members.read", "members.read_contact"], rateLimitPerMinute: 100_000 }),
  });
  const membersUrl = `/api/profiles/${seattle}/members`;
  const runs = [
    await drive("GET /api/health (baseline: one SELECT 1)", "/api/health", {}),
    await drive(`GET ${membersUrl.replace(seattle, "<Seattle>")} with a session`, membersUrl, { cookie: owner }),
    await drive(`GET ${membersUrl.replace(seattle, "<Seattle>")} with an API key`, membersUrl, { authorization: `Bearer ${key.secret}` }),
  ];
  report.table(
    ["route", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors"],
    runs.map((r) => [r.name, fmtInt(r.rps), fmt(r.p50, 1), fmt(r.p99, 1), fmtInt(r.non2xx), fmtInt(r.errors)]),
  );
  const [health, session, apiKey] = runs;
  // At a fixed number of connections, time per request = connections / throughput.
  const perRequest = (r: Run) => (1000 * connections) / r.rps;
  report.print(`\n  Per request (connections / req/s): health ${fmt(perRequest(health), 2)} ms, session read ${fmt(perRequest(session), 2)} ms, key read ${fmt(perRequest(apiKey), 2)} ms.`);
  const delta = perRequest(apiKey) - perRequest(session);
  report.print(`  With a key a read takes ${fmt(Math.abs(delta), 2)} ms ${delta >= 0 ? "more" : "less"} than with a session (key lookup by hash, the creator's subject and the usage counters, against the session row and the JWT);`);
  report.print(`  the key read runs at ${fmt(apiKey.rps / session.rps, 2)}× the session read's req/s, which runs at ${fmt(session.rps / health.rps, 2)}× the health route's.`);
  for (const r of runs) if (r.non2xx || r.errors) report.fail(`${r.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
  report.set("http", { connections, seconds, runs, machine: facts });
  const file = report.write(path.join(root, "bench", "results-http"));
  report.print(`\n  Results: ${path.relative(root, file)}`);
} finally {
  if (app?.pid) {
    try {
      process.kill(-app.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
}
process.exit(report.failures.length ? 1 : 0);
