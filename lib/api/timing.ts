import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Per-request timing spans (issue 15), off unless CAREACCESS_TIMING=1: then every route answer
 * carries a `Server-Timing` header (proxy, jwt, session, subject, policy, handler, serialize, total; ms) that
 * `npm run bench:http` reads from every response autocannon gets. Off, a span is one property read.
 */
export const timingEnabled = process.env.CAREACCESS_TIMING === "1";

/** The proxy's own time, handed to the route in this request header (only when timing is on). */
export const PROXY_TIMING_HEADER = "x-careaccess-proxy-ms";

/** proxy.ts; the JWT cookie's decoding; the session row; the compiled subject; the place and the decision; the handler (its queries); JSON. */
export type SpanName = "proxy" | "jwt" | "session" | "subject" | "policy" | "handler" | "serialize";

interface Spans {
  start: number;
  spans: Map<SpanName, number>;
}

const storage = new AsyncLocalStorage<Spans>();

/** Runs `fn` with a span collector (route() around one request); without timing, just `fn`. */
export function withTiming<T>(fn: () => Promise<T>): Promise<T> {
  if (!timingEnabled) return fn();
  return storage.run({ start: performance.now(), spans: new Map() }, fn);
}

/** Times `fn` as `name` (added up when it runs more than once in a request). */
export async function span<T>(name: SpanName, fn: () => Promise<T> | T): Promise<T> {
  const spans = timingEnabled ? storage.getStore() : undefined;
  if (!spans) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    addSpan(name, performance.now() - t0, spans);
  }
}

/** Adds a measured duration (ms) to the current request's span. */
export function addSpan(name: SpanName, ms: number, spans = timingEnabled ? storage.getStore() : undefined): void {
  if (spans) spans.spans.set(name, (spans.spans.get(name) ?? 0) + ms);
}

/** The `Server-Timing` value for the current request, or null when timing is off. */
export function serverTiming(): string | null {
  const spans = timingEnabled ? storage.getStore() : undefined;
  if (!spans) return null;
  const parts = [...spans.spans].map(([name, ms]) => `${name};dur=${ms.toFixed(3)}`);
  parts.push(`total;dur=${(performance.now() - spans.start).toFixed(3)}`);
  return parts.join(", ");
}

/** Parses a `Server-Timing` header into span → ms (the bench's side). */
export function parseServerTiming(value: string | null | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (value ?? "").split(",")) {
    const m = /^\s*([\w-]+)\s*;\s*dur=([\d.]+)/.exec(part);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}
