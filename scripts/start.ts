/**
 * `npm start`: one command from a fresh clone to a running app. Applies migrations, seeds the demo
 * data into an empty database, builds if the sources are newer than the build, and serves on
 * http://localhost:3000 (PORT and HOST change that).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDatabaseUrl } from "../lib/db/target";
import { startDevSmtp } from "../lib/email/dev-smtp";
import { devMailboxWanted } from "../lib/security/env";
import { setupDatabase } from "./db";
import { serve } from "./serve";
import { devIdpWanted, prepareDevIdps, startDevIdps } from "./idp/dev";
import { spawnPeer } from "../lib/peers/spawn";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(root, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "proxy.ts", "next.config.mjs", "package-lock.json", "prisma/demo-accounts.ts"].map((p) => path.join(root, p));
  return sources.some((p) => existsSync(p) && (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs) > built);
}

/** The embedded demo database gets a generated secret kept beside its data (never committed). */
function ensureSecret(): void {
  if (process.env.NEXTAUTH_SECRET) return;
  const target = parseDatabaseUrl(process.env.DATABASE_URL);
  if (target.kind !== "pglite" || !target.dataDir) return; // production config must set it: loadConfig() refuses
  const file = path.join(path.dirname(target.dataDir), "nextauth-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600 });
  }
  process.env.NEXTAUTH_SECRET = readFileSync(file, "utf8").trim();
}

/**
 * Development and tests: with no SMTP_URL and the embedded database, a real SMTP server
 * (smtp-server) starts in this process on a free port; the app sends to it with nodemailer and
 * what arrives is shown at /dev/mailbox (docs/account-security.md).
 */
async function startDevMailbox(port: number): Promise<void> {
  if (!devMailboxWanted()) return;
  const target = parseDatabaseUrl(process.env.DATABASE_URL);
  const dir = process.env.DEV_MAILBOX_DIR ?? path.join(target.kind === "pglite" && target.dataDir ? path.dirname(target.dataDir) : "data", "mailbox");
  const smtp = await startDevSmtp({ dir, port: Number(process.env.DEV_SMTP_PORT ?? 0) });
  process.env.DEV_MAILBOX_DIR = path.resolve(dir);
  process.env.DEV_MAILBOX_SMTP_URL = smtp.url;
  console.log(`Development mailbox: SMTP on ${smtp.url}; read it at http://localhost:${port}/dev/mailbox`);
}

/**
 * Billing settings (issue 10): with no PAYMENT_PROCESSOR_URL, the local test payment processor
 * (payment-processor/) starts as its own process on PAYMENT_PROCESSOR_PORT (default: a free port)
 * and the app uses it; it stops with the app. Production sets PAYMENT_PROCESSOR_URL to a real one.
 */
async function startPaymentProcessor(): Promise<void> {
  if (process.env.PAYMENT_PROCESSOR_URL) return;
  const peer = await spawnPeer("payment-processor", "payment-processor/main.ts", { PAYMENT_PROCESSOR_PORT: process.env.PAYMENT_PROCESSOR_PORT ?? "0" });
  process.once("exit", () => peer.child.kill("SIGTERM"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(signal === "SIGINT" ? 130 : 143));
  process.env.PAYMENT_PROCESSOR_URL = peer.url;
  console.log(`Local test payment processor on ${peer.url} (payment-processor/README.md has the test cards)`);
}

/** Where the embedded database keeps its files (the development IdPs' keys go beside them). */
function localDataDir(): string {
  const target = parseDatabaseUrl(process.env.DATABASE_URL);
  return target.kind === "pglite" && target.dataDir ? path.dirname(target.dataDir) : path.join(root, "data");
}

function run(cmd: string, args: string[]): void {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`);
}

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.HOST ?? "localhost";
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  process.env.NEXTAUTH_URL ??= `http://${hostname}:${port}`;
  if (!existsSync(path.join(root, "lib/db/generated/client.ts"))) run("node", ["scripts/prisma-generate.mjs"]);
  // The local IdPs' keys and URLs first: the demo seed configures SSO with them (issue 12).
  const idps = devIdpWanted() ? await prepareDevIdps(localDataDir(), port) : null;
  await setupDatabase("setup");
  ensureSecret();
  await startDevMailbox(port);
  if (idps) {
    const { oidc, saml } = await startDevIdps(idps, process.env.NEXTAUTH_URL!, { controls: Boolean(process.env.E2E_RESET_TOKEN) });
    console.log(`Local identity providers: OIDC ${oidc.issuer} (Lakeside), SAML ${saml.url} (Northwind); see docs/enterprise-identity.md`);
  }
  await startPaymentProcessor();
  if (!dev && needsBuild()) {
    console.log("Building the app (first start, or sources changed)…");
    run("npx", ["next", "build"]);
  }
  await serve({ dir: root, port, hostname, dev });
  console.log(`CareAccess is running on http://${hostname}:${port}`);
}

main().catch((err: Error) => {
  console.error(`CareAccess could not start: ${err.message}`);
  process.exit(1);
});
