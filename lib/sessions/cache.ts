import type { Invalidation, InvalidationSignal } from "../cache/signal";
import type { SessionCheck } from "./sessions";

type Good = Extract<SessionCheck, { ok: true }>;

/**
 * A short-lived cache of good session checks (issue 15): the session row, its person and the
 * versions of their tenants, so most requests need no database round trip before the handler.
 *
 * Safe across instances because it is emptied by the shared signal (lib/cache/signal.ts): a
 * revoked or ended session, a disabled account, a changed binding or tenant is forgotten as soon
 * as its transaction commits; and an entry is served at most `ttlMs` after it was read, and only
 * while the signal is live. A read that raced with an invalidation is not stored (generation).
 */
export class SessionCache {
  private entries = new Map<string, { at: number; check: Good }>();
  private generation = 0;
  stats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(
    private readonly signal: { live: boolean; sync(): Promise<boolean> },
    private readonly ttlMs: number,
    private readonly maxEntries = 20_000,
  ) {}

  get(id: string, now = Date.now()): Good | undefined {
    const entry = this.signal.live ? this.entries.get(id) : undefined;
    if (entry && now - entry.at < this.ttlMs) {
      this.stats.hits++;
      return entry.check;
    }
    this.stats.misses++;
    return undefined;
  }

  /**
   * An entry that is still good after the signal caught up with every change committed before this
   * call (one shared round trip on the listening connection): a revocation committed on another
   * instance just before this request is seen, not answered from the cache (issue 15, 0 stale allows).
   */
  async getFresh(id: string, now = Date.now()): Promise<Good | undefined> {
    const hit = this.get(id, now);
    if (!hit) return undefined;
    if ((await this.signal.sync()) && this.entries.get(id)?.check === hit) return hit;
    this.stats.hits--;
    this.stats.misses++;
    return undefined;
  }

  /** Take before reading the database; pass to set(). */
  begin(): number {
    return this.generation;
  }

  set(id: string, check: Good, generation: number, now = Date.now()): void {
    if (this.ttlMs <= 0 || !this.signal.live || generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { at: now, check });
  }

  invalidate(message: Invalidation): void {
    this.generation++;
    this.stats.invalidations++;
    if (message.kind === "all") return this.entries.clear();
    if (message.kind === "session") return void this.entries.delete(message.id);
    for (const [id, { check }] of this.entries) {
      if (message.kind === "user" ? check.user.id === message.id : check.versions?.some((v) => v.id === message.id)) this.entries.delete(id);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

const holder = globalThis as unknown as { __careaccessSessionCache?: SessionCache };

/**
 * This process's cache, emptied by `signal`. SESSION_CACHE_MS (default 1000; 0 turns it off)
 * bounds how long an entry is served: the most a lost notification could leave a revoked session usable.
 */
export function processSessionCache(signal: InvalidationSignal): SessionCache {
  if (!holder.__careaccessSessionCache) {
    const raw = process.env.SESSION_CACHE_MS;
    const ttl = raw === undefined || raw === "" ? 1000 : Math.max(0, Math.min(5000, Number(raw) || 0));
    const cache = (holder.__careaccessSessionCache = new SessionCache(signal, ttl));
    signal.subscribe((m) => cache.invalidate(m));
  }
  return holder.__careaccessSessionCache;
}
