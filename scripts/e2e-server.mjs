// Starts the app for e2e on a fresh embedded database, so tests see exactly the demo data.
import { rmSync } from "node:fs";
import { spawn } from "node:child_process";

const port = process.env.PORT ?? "3100";
const dir = `./data/e2e-${port}/pglite`;
rmSync(`./data/e2e-${port}`, { recursive: true, force: true });
const child = spawn("npx", ["tsx", "scripts/start.ts"], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: `pglite:${dir}`, SHOW_DEMO_ACCOUNTS: "true", NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? (port === "3100" ? ".next" : `.next-e2e-${port}`) },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
