import { randomBytes } from "node:crypto";
import { defineConfig, devices } from "@playwright/test";

/**
 * e2e in Debian's Chromium (Playwright may not download its own browser here). The app runs on
 * a throwaway embedded database seeded with the demo data, started by webServer below.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Lets each spec file put the demo data back (POST /api/dev/reset); workers inherit it. */
process.env.E2E_RESET_TOKEN ??= randomBytes(24).toString("hex");
/** The practice system the e2e server starts beside the app (issue 14); specs reach its REST API too. */
process.env.E2E_PRACTICE_SYSTEM_URL ??= `http://127.0.0.1:${PORT + 1300}`;
process.env.E2E_PRACTICE_SYSTEM_TOKEN ??= "e2e-practice-token";
/** Point at an already running app (e.g. `npm run dev`) instead of starting a fresh one. */
const external = process.env.E2E_BASE_URL;

export default defineConfig({
  testDir: "e2e",
  // One results folder per port: several runs side by side don't wipe each other's artifacts.
  outputDir: `e2e/.artifacts/results-${external ? "external" : PORT}`,
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: external ?? `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } }],
  webServer: external
    ? undefined
    : {
    command: "node scripts/e2e-server.mjs",
    url: `http://localhost:${PORT}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // DNS_RESOLVERS: domain verification asks the DNS responder e2e/sso.spec.ts runs (issue 12).
    env: { PORT: String(PORT), NEXT_TELEMETRY_DISABLED: "1", E2E_RESET_TOKEN: process.env.E2E_RESET_TOKEN, PRACTICE_SYSTEM_PORT: String(PORT + 1300), PRACTICE_SYSTEM_TOKEN: process.env.E2E_PRACTICE_SYSTEM_TOKEN, DNS_RESOLVERS: process.env.DNS_RESOLVERS ?? `127.0.0.1:${PORT + 22000}` },
      },
});
