// Starts the app for e2e on a fresh embedded database, so tests see exactly the demo data.
import { rmSync } from "node:fs";
import { spawn } from "node:child_process";

const dir = "./data/e2e-pglite";
rmSync(dir, { recursive: true, force: true });
rmSync("./data/nextauth-secret-e2e", { force: true });
const child = spawn("npx", ["tsx", "scripts/start.ts"], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: `pglite:${dir}`, SHOW_DEMO_ACCOUNTS: "true" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
