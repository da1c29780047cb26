/**
 * `npm run start:cluster`: N app instances on one PostgreSQL behind a small loopback balancer
 * (issue 15), for tests, the bench and a one-machine deployment.
 *
 *   CLUSTER_INSTANCES  how many instances (default 2)
 *   PORT / HOST        where the balancer listens (default 3000 / 127.0.0.1); instance i on PORT + i
 *   DATABASE_URL       a PostgreSQL server (PGlite is one process's database and can't be shared)
 *
 * The first instance is started as `npm start` starts the app (migrations, demo seed into an empty
 * database, build if the sources are newer); the others once it answers. Every instance gets the
 * same NEXTAUTH_SECRET (a session cookie is good on any of them) and TRUST_PROXY=true (the balancer
 * sends the client's address in X-Forwarded-For). The balancer takes turns over the instances that
 * answer /api/health/live (checked every second) and retries a refused connection on the next one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { parseDatabaseUrl } from "../lib/db/target";

const root = path.resolve(import.meta.dirname, "..");

export interface Balancer {
  server: http.Server;
  /** The upstream ports currently answering. */
  healthy(): number[];
  close(): Promise<void>;
}

/** A round-robin HTTP balancer over `ports` on 127.0.0.1. */
export async function startBalancer(opts: { port: number; hostname: string; upstreams: number[]; checkEveryMs?: number }): Promise<Balancer> {
  const up = new Set<number>(opts.upstreams);
  let turn = 0;
  const check = async () => {
    await Promise.all(
      opts.upstreams.map(async (p) => {
        const ok = await fetch(`http://127.0.0.1:${p}/api/health/live`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
        if (ok) up.add(p);
        else up.delete(p);
      }),
    );
  };
  const timer = setInterval(() => void check(), opts.checkEveryMs ?? 1000);
  timer.unref();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const candidates = opts.upstreams.filter((p) => up.has(p));
    const forwardedFor = [req.headers["x-forwarded-for"], req.socket.remoteAddress?.replace(/^::ffff:/, "")].filter(Boolean).join(", ");
    const attempt = (left: number[]) => {
      if (!left.length) {
        res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "unavailable", message: "No app instance is answering." } }));
        return;
      }
      const [target, ...rest] = left;
      const upstream = http.request(
        { host: "127.0.0.1", port: target, method: req.method, path: req.url, agent, headers: { ...req.headers, "x-forwarded-for": forwardedFor, "x-forwarded-host": req.headers.host ?? "" } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (err: NodeJS.ErrnoException) => {
        // Refused before anything was sent (the instance is gone): the next one takes the request.
        if (err.code === "ECONNREFUSED" && !res.headersSent) {
          up.delete(target);
          return attempt(rest);
        }
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "unavailable", message: "The app instance failed." } }));
        else res.destroy();
      });
      req.pipe(upstream);
    };
    const start = candidates.length ? turn++ % candidates.length : 0;
    attempt([...candidates.slice(start), ...candidates.slice(0, start)]);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname, resolve);
  });
  return {
    server,
    healthy: () => opts.upstreams.filter((p) => up.has(p)),
    close: () => new Promise<void>((r) => { clearInterval(timer); agent.destroy(); server.close(() => r()); }),
  };
}

/** One instance: `npm start`'s script on its own port, in its own process group. */
export function startInstance(port: number, env: NodeJS.ProcessEnv, opts: { quiet?: boolean } = {}): ChildProcess {
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", opts.quiet ? "ignore" : "inherit", opts.quiet ? "ignore" : "inherit"],
    env: { ...env, PORT: String(port), HOST: "127.0.0.1", TRUST_PROXY: "true" },
  });
  return child;
}

export async function waitFor(url: string, timeoutMs = 900_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer in time.`);
}

async function main() {
  const n = Number(process.env.CLUSTER_INSTANCES ?? 2);
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.HOST ?? "127.0.0.1";
  if (parseDatabaseUrl(process.env.DATABASE_URL).kind !== "postgres") throw new Error("start:cluster needs DATABASE_URL of a PostgreSQL server: PGlite can't be shared between processes.");
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new Error("CLUSTER_INSTANCES must be 1 to 32.");
  const env = { ...process.env, NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? randomBytes(32).toString("hex"), NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://${hostname}:${port}` };
  if (!process.env.NEXTAUTH_SECRET) console.log("NEXTAUTH_SECRET not set: a random one for this run (sessions end when the cluster stops).");
  const ports = Array.from({ length: n }, (_, i) => port + 1 + i);
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children) if (c.pid) try { process.kill(-c.pid, "SIGTERM"); } catch { /* gone */ }
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // The first one migrates, seeds and builds; the rest only serve.
  children.push(startInstance(ports[0], env));
  await waitFor(`http://127.0.0.1:${ports[0]}/api/health`);
  for (const p of ports.slice(1)) children.push(startInstance(p, env));
  await Promise.all(ports.map((p) => waitFor(`http://127.0.0.1:${p}/api/health`)));
  await startBalancer({ port, hostname, upstreams: ports });
  console.log(`CareAccess cluster: ${n} instances (${ports.join(", ")}) behind http://${hostname}:${port}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((err: Error) => {
    console.error(`The cluster could not start: ${err.message}`);
    process.exit(1);
  });
}
