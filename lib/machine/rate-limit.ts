import { Redis } from "ioredis";
import type pg from "pg";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { securityEnv } from "../security/env";
import { postgresLimiter, sharedLimitPool } from "../security/limit-store";

/**
 * Per-key request limits (issue 13): a fixed window of one minute per API key, its size the key's
 * own limit or its tenant's default. Counted in Redis when REDIS_URL is set, else in PostgreSQL's
 * rate_limits table when the app runs on a PostgreSQL server (issue 15), so every app instance
 * shares the count; in this process only on PGlite (one process anyway). If the store fails, the
 * in-memory count takes over.
 */
export const DEFAULT_PER_MINUTE = 600;
const WINDOW_SECONDS = 60;

export interface KeyLimitResult {
  ok: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class KeyRateLimiter {
  private limiters = new Map<number, RateLimiterAbstract>();
  constructor(
    private readonly redis: Redis | null,
    private readonly prefix = "careaccess:rl:apikey",
    /** PostgreSQL's pool, used when there is no Redis (resolved on first use). */
    private readonly pool: Promise<pg.Pool | null> | pg.Pool | null = null,
  ) {}

  private async limiter(points: number): Promise<RateLimiterAbstract> {
    let l = this.limiters.get(points);
    if (!l) {
      // The limit is part of the stored key: changing a key's limit starts a fresh window.
      const opts = { points, duration: WINDOW_SECONDS, keyPrefix: `${this.prefix}:${points}` };
      const memory = new RateLimiterMemory(opts);
      const pool = this.redis ? null : await this.pool;
      l = this.redis
        ? new RateLimiterRedis({ ...opts, storeClient: this.redis, insuranceLimiter: memory })
        : pool
          ? postgresLimiter(pool, opts, memory)
          : memory;
      this.limiters.set(points, l);
    }
    return l;
  }

  async consume(keyId: string, limit: number): Promise<KeyLimitResult> {
    try {
      const res = await (await this.limiter(limit)).consume(keyId, 1);
      return { ok: true, limit, remaining: res.remainingPoints, resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { ok: false, limit, remaining: 0, resetSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      throw err;
    }
  }

  /** Forgets in-memory counts (tests). */
  reset(): void {
    this.limiters.clear();
  }
}

/** The RateLimit headers (IETF draft-ietf-httpapi-ratelimit-headers) and, when refused, Retry-After. */
export function rateLimitHeaders(r: KeyLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Policy": `${r.limit};w=${WINDOW_SECONDS}`,
    RateLimit: `limit=${r.limit}, remaining=${r.remaining}, reset=${r.resetSeconds}`,
    "RateLimit-Limit": String(r.limit),
    "RateLimit-Remaining": String(r.remaining),
    "RateLimit-Reset": String(r.resetSeconds),
  };
  if (!r.ok) headers["Retry-After"] = String(r.resetSeconds);
  return headers;
}

const holder = globalThis as unknown as { __careaccessKeyLimiter?: KeyRateLimiter };

/** This process's limiter (Redis-backed when REDIS_URL is set). */
export function keyRateLimiter(): KeyRateLimiter {
  if (!holder.__careaccessKeyLimiter) {
    const url = securityEnv().redisUrl;
    const client = url ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
    client?.on("error", () => {});
    holder.__careaccessKeyLimiter = new KeyRateLimiter(client, undefined, client ? null : sharedLimitPool());
  }
  return holder.__careaccessKeyLimiter;
}

/** Replaces the process's limiter (tests: two "instances" sharing one Redis). */
export function setKeyRateLimiter(limiter: KeyRateLimiter | undefined): void {
  holder.__careaccessKeyLimiter = limiter;
}
