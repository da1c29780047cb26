import { describe, expect, test } from "vitest";
import { loadConfig } from "./config";

describe("configuration", () => {
  test("development runs with safe defaults and shows demo accounts on the embedded database", () => {
    const c = loadConfig({ NODE_ENV: "development" } as NodeJS.ProcessEnv);
    expect(c).toMatchObject({ production: false, showDemoAccounts: true, sessionIdleMinutes: 30, trustProxy: false });
  });

  test("demo accounts are hidden on a PostgreSQL server unless asked for", () => {
    expect(loadConfig({ NODE_ENV: "development", DATABASE_URL: "postgres://db/x" } as NodeJS.ProcessEnv).showDemoAccounts).toBe(false);
    expect(loadConfig({ NODE_ENV: "development", DATABASE_URL: "postgres://db/x", SHOW_DEMO_ACCOUNTS: "true" } as NodeJS.ProcessEnv).showDemoAccounts).toBe(true);
  });

  test.each([undefined, "short", "careaccess-development-secret-not-for-production"])("production refuses to start with secret %j", (secret) => {
    expect(() => loadConfig({ NODE_ENV: "production", NEXTAUTH_SECRET: secret } as NodeJS.ProcessEnv)).toThrow(/NEXTAUTH_SECRET must be set/);
  });

  test("production starts with a real secret", () => {
    const secret = "x".repeat(48);
    expect(loadConfig({ NODE_ENV: "production", NEXTAUTH_SECRET: secret } as NodeJS.ProcessEnv).authSecret).toBe(secret);
  });
});
