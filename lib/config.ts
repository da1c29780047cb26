import { parseDatabaseUrl } from "./db/target";

/**
 * Configuration from the environment, read once. Development gets safe defaults; production
 * refuses to start without a real secret.
 */
export interface AppConfig {
  production: boolean;
  authSecret: string;
  /** Show the demo accounts on the login page (default: on for the embedded database). */
  showDemoAccounts: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Trust X-Forwarded-For for the client IP (only behind a proxy you run). */
  trustProxy: boolean;
  /** Let webhooks go to loopback and private addresses (lib/machine/destination.ts). */
  webhookAllowPrivate: boolean;
}

const DEV_SECRET = "careaccess-development-secret-not-for-production";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === "production";
  const secret = env.NEXTAUTH_SECRET ?? env.AUTH_SECRET;
  const embedded = parseDatabaseUrl(env.DATABASE_URL).kind === "pglite";
  if (production && (!secret || secret.length < 32 || secret === DEV_SECRET)) {
    throw new Error(
      "NEXTAUTH_SECRET must be set to a random value of at least 32 characters in production " +
        "(for example: openssl rand -base64 48). `npm start` creates one for the embedded demo database.",
    );
  }
  return {
    production,
    authSecret: secret ?? DEV_SECRET,
    showDemoAccounts: env.SHOW_DEMO_ACCOUNTS ? env.SHOW_DEMO_ACCOUNTS === "true" : embedded,
    sessionIdleMinutes: positive(env.SESSION_IDLE_MINUTES, 30),
    sessionAbsoluteHours: positive(env.SESSION_ABSOLUTE_HOURS, 12),
    trustProxy: env.TRUST_PROXY === "true",
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE ? env.WEBHOOK_ALLOW_PRIVATE === "true" : embedded,
  };
}

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n > 0 ? n : fallback;
}

let cached: AppConfig | undefined;
export function config(): AppConfig {
  return (cached ??= loadConfig());
}
