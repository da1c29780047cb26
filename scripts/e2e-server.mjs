// Starts the app for e2e on a fresh embedded database, so tests see exactly the demo data, and the
// practice system (issue 14) beside it on PRACTICE_SYSTEM_PORT (in memory), which EM Sync talks to.
import { rmSync } from "node:fs";
import { spawn } from "node:child_process";

const port = process.env.PORT ?? "3100";
const dir = `./data/e2e-${port}/pglite`;
rmSync(`./data/e2e-${port}`, { recursive: true, force: true });
const practicePort = process.env.PRACTICE_SYSTEM_PORT ?? String(Number(port) + 1300);
const practiceToken = process.env.PRACTICE_SYSTEM_TOKEN ?? "e2e-practice-token";
const practice = spawn("npx", ["tsx", "practice-system/main.ts"], {
  stdio: "inherit",
  env: { ...process.env, PRACTICE_SYSTEM_PORT: practicePort, PRACTICE_SYSTEM_DATA: "memory", PRACTICE_SYSTEM_DATABASE_URL: "", PRACTICE_SYSTEM_TOKEN: practiceToken },
});
const child = spawn("npx", ["tsx", "scripts/start.ts"], {
  stdio: "inherit",
  env: {
    ...process.env,
    DATABASE_URL: `pglite:${dir}`,
    SHOW_DEMO_ACCOUNTS: "true",
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? (port === "3100" ? ".next" : `.next-e2e-${port}`),
    PRACTICE_SYSTEM_URL: `http://127.0.0.1:${practicePort}`,
    PRACTICE_SYSTEM_TOKEN: practiceToken,
    EM_SYNC_INTERVAL_MS: process.env.EM_SYNC_INTERVAL_MS ?? "1000",
  },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (child.kill(signal), practice.kill(signal)));
child.on("exit", (code) => (practice.kill("SIGTERM"), process.exit(code ?? 0)));
practice.on("exit", (code) => code && console.error(`practice-system exited (${code})`));
