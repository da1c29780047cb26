import { parseDatabaseUrl } from "../db/target";

/**
 * Account-security settings that come from the environment (per-tenant settings live in the
 * database, see settings.ts). Read on each call: cheap, and tests can change process.env.
 */
export interface SecurityEnv {
  /** Public base URL for links in emails (NEXTAUTH_URL). */
  appUrl: string;
  /** nodemailer transport URL; in development the built-in mailbox's SMTP server. Null = no email can be sent. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Directory the development mailbox writes received messages to; null when it is off. */
  devMailboxDir: string | null;
  inviteTtlHours: number;
  resetTtlMinutes: number;
  activationTtlHours: number;
  redisUrl: string | null;
  production: boolean;
}

export function securityEnv(env: NodeJS.ProcessEnv = process.env): SecurityEnv {
  return {
    appUrl: (env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, ""),
    smtpUrl: env.SMTP_URL || env.DEV_MAILBOX_SMTP_URL || null,
    mailFrom: env.MAIL_FROM || "CareAccess <no-reply@careaccess.local>",
    devMailboxDir: env.DEV_MAILBOX_DIR || null,
    inviteTtlHours: positive(env.INVITE_TTL_HOURS, 72),
    resetTtlMinutes: positive(env.RESET_TTL_MINUTES, 60),
    activationTtlHours: positive(env.ACTIVATION_TTL_HOURS, 72),
    redisUrl: env.REDIS_URL || null,
    production: env.NODE_ENV === "production",
  };
}

/**
 * The development mailbox runs when no SMTP_URL is configured and the database is the embedded
 * one (development, demos, e2e) — or when DEV_MAILBOX=true. Never on by default with a server database.
 */
export function devMailboxWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DEV_MAILBOX) return env.DEV_MAILBOX === "true";
  return !env.SMTP_URL && parseDatabaseUrl(env.DATABASE_URL).kind === "pglite";
}

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n > 0 ? n : fallback;
}
