import type { Database, Listener } from "../db/client";

/**
 * The shared invalidation signal (issue 15). Database triggers (migration
 * 20261204160000_invalidation_signal) NOTIFY `careaccess_invalidate` in the transaction of every
 * change that can end a session's or a subject's right to act; PostgreSQL delivers it at COMMIT to
 * every app instance listening, and this module hands it to the in-process caches
 * (lib/sessions/cache.ts). PGlite delivers its own notifications the same way inside its process.
 *
 * While the listening connection is down nothing may be served from a cache: `live` is false from
 * the moment it drops until it listens again, and every subscriber is told to forget everything.
 */
export const INVALIDATION_CHANNEL = "careaccess_invalidate";

export type Invalidation = { kind: "session" | "user" | "tenant"; id: string } | { kind: "all" };

export function parseInvalidation(payload: string): Invalidation {
  const i = payload.indexOf(":");
  const kind = i < 0 ? payload : payload.slice(0, i);
  const id = i < 0 ? "" : payload.slice(i + 1);
  if ((kind === "session" || kind === "user" || kind === "tenant") && id) return { kind, id };
  // Anything unexpected: forget everything (fail safe).
  return { kind: "all" };
}

type Subscriber = (message: Invalidation) => void;

export class InvalidationSignal {
  private subscribers = new Set<Subscriber>();
  private listener: Listener | null = null;
  private closed = false;
  /** True while notifications arrive: caches may serve only then. */
  live = false;
  /** Notifications received (tests, bench). */
  received = 0;

  constructor(private readonly db: Pick<Database, "listen">) {}

  /**
   * Resolves true once every notification committed before the call has reached the subscribers;
   * false when not listening (then nothing may be served from a cache).
   */
  async sync(): Promise<boolean> {
    if (!this.live || !this.listener) return false;
    return this.listener.sync().then(() => this.live, () => false);
  }

  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Starts listening; resolves once the LISTEN is in place (or failed: then `live` stays false and it retries). */
  async start(): Promise<void> {
    try {
      this.listener = await this.db.listen(
        INVALIDATION_CHANNEL,
        (payload) => {
          this.received++;
          this.emit(parseInvalidation(payload));
        },
        () => this.lost(),
      );
      this.live = !this.closed;
    } catch (err) {
      console.error(`Invalidation signal: could not listen (${(err as Error).message}); retrying in 1 s, caches off meanwhile.`);
      this.lost();
    }
  }

  private lost(): void {
    const was = this.live;
    this.live = false;
    this.emit({ kind: "all" });
    if (this.closed) return;
    if (was) console.error("Invalidation signal: the listening connection was lost; caches off until it is back.");
    setTimeout(() => void this.start(), 1000).unref();
  }

  private emit(message: Invalidation): void {
    for (const fn of this.subscribers) {
      try {
        fn(message);
      } catch (err) {
        console.error("Invalidation subscriber failed", err);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    await this.listener?.stop().catch(() => {});
  }
}

const holder = globalThis as unknown as { __careaccessSignal?: InvalidationSignal };

/** This process's signal on the app database, started on first use. */
export function processSignal(db: Pick<Database, "listen">): InvalidationSignal {
  if (!holder.__careaccessSignal) {
    holder.__careaccessSignal = new InvalidationSignal(db);
    void holder.__careaccessSignal.start();
  }
  return holder.__careaccessSignal;
}
