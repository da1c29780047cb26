import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { securityEnv } from "./env";
import { postgresLimiter, sharedLimitPool } from "./limit-store";

/**
 * Rate limits per IP and per account on sign-in, password reset and code endpoints
 * (rate-limiter-flexible). Shared through Redis when REDIS_URL is set, so several app instances
 * count together; in this process's memory otherwise (one instance, development, tests). If Redis
 * is unreachable the in-memory limiter takes over rather than letting everything through.
 */
export const LIMITS = {
  /** Sign-in attempts from one address (a clinic's shared NAT included). */
  signInIp: { points: 100, duration: 15 * 60 },
  /** Failed sign-ins for one email, known or not: the same lock message either way. */
  signInAccount: { points: 5, duration: 15 * 60 },
  resetIp: { points: 20, duration: 60 * 60 },
  resetAccount: { points: 5, duration: 60 * 60 },
  /** 2FA / email-code attempts from one address. */
  codeIp: { points: 60, duration: 15 * 60 },
  /** Email sign-in codes sent to one account. */
  codeSend: { points: 5, duration: 15 * 60 },
  /** Opening invitation / reset links from one address. */
  tokenIp: { points: 60, duration: 15 * 60 },
  /**
   * Wrong passwords or codes from a signed-in person confirming it's them (re-authentication,
   * password change), per person: every session of theirs counts together.
   */
  reauth: { points: 5, duration: 15 * 60 },
  /** Invitations and added people sent by one person: a throwaway tenant can't spam every address. */
  invites: { points: 50, duration: 60 * 60 },
} as const;
export type LimitName = keyof typeof LIMITS;

type State = { limiters: Map<string, RateLimiterAbstract>; redis?: Redis | null };
const holder = globalThis as unknown as { __careaccessLimits?: State };

function redis(state: State): Redis | null {
  if (state.redis !== undefined) return state.redis;
  const url = securityEnv().redisUrl;
  state.redis = url ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : null;
  state.redis?.on("error", () => {}); // the insurance limiter covers outages; don't crash on reconnect noise
  return state.redis;
}

/** Redis when REDIS_URL is set, else the app's PostgreSQL server (shared by every instance), else this process. */
async function limiter(name: LimitName, maxPoints?: number): Promise<RateLimiterAbstract> {
  const state = (holder.__careaccessLimits ??= { limiters: new Map() });
  const key = `${name}:${maxPoints ?? ""}`;
  let l = state.limiters.get(key);
  if (!l) {
    const opts = { points: maxPoints ?? LIMITS[name].points, duration: LIMITS[name].duration, keyPrefix: `careaccess:rl:${name}` };
    const memory = new RateLimiterMemory(opts);
    const client = redis(state);
    const pool = client ? null : await sharedLimitPool();
    l = client ? new RateLimiterRedis({ ...opts, storeClient: client, insuranceLimiter: memory }) : pool ? postgresLimiter(pool, opts, memory) : memory;
    state.limiters.set(key, l);
  }
  return l;
}

export type LimitResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

const keyOf = (key: string) => key.toLowerCase().slice(0, 300);

/** Uses one point; refused when none are left. */
export async function consume(name: LimitName, key: string, points = 1): Promise<LimitResult> {
  try {
    const res = await (await limiter(name)).consume(keyOf(key), points);
    return { ok: true, remaining: res.remainingPoints };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
    throw err;
  }
}

/** Is this key already out of points? (Doesn't use one.) */
export async function isLimited(name: LimitName, key: string): Promise<LimitResult> {
  const res = await (await limiter(name)).get(keyOf(key));
  if (res && res.consumedPoints >= LIMITS[name].points) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
  return { ok: true, remaining: LIMITS[name].points - (res?.consumedPoints ?? 0) };
}

export async function resetLimit(name: LimitName, key: string): Promise<void> {
  await (await limiter(name)).delete(keyOf(key)).catch(() => {});
}

/** Forgets every in-memory count (tests). */
export function resetAllLimits(): void {
  holder.__careaccessLimits?.limiters.clear();
}

export function waitMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? "Too many attempts. Wait a minute and try again." : `Too many attempts. Wait ${minutes} minutes and try again.`;
}
