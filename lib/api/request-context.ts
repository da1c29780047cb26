import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Who is acting in the current request, for code far from the entry point that must record it
 * (the audit log's who/where/how, "on behalf of" for delegates, the API key that was used).
 * The wrapper (lib/api/handler.ts runAs) sets it around every handler; background work (outbox
 * delivery, scheduled jobs) runs without one. Read-only for domain code: never an authorization input.
 */
export interface RequestContext {
  /** The signed-in person or service account; null for public entry points. */
  actorId: string | null;
  /** The server-side session, when the caller used one. */
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** How the caller proved who they are. */
  via: "session" | "api_key" | "scim" | "public" | "system";
  /** The API key (or SCIM token) id, when `via` is one of those. */
  credentialId?: string | null;
  /** Set for a delegate's actions: the person whose permissions were delegated. */
  onBehalfOf?: string | null;
  /** The place the entry point acts on, once the wrapper has resolved it (issue 9: the audit row's place). */
  nodeId?: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function withRequestContext<T>(context: RequestContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

/** The current request's context, or null outside a request (jobs, tests calling domain code directly). */
export function requestContext(): RequestContext | null {
  return storage.getStore() ?? null;
}
