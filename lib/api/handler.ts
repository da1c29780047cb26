import "server-only";
import { z } from "zod";
import { bindingsReaching, decide, type Permission, type ResourceRef, type Subject } from "../authz";
import { sharedLoader } from "../authz/load";
import { headers } from "next/headers";
import { clientIp } from "../auth/request-meta";
import { currentSession, type SignedIn } from "../auth/session";
import { config } from "../config";
import { prisma } from "../db";
import type { Db, Tx } from "../db/client";
import { AppError, errorHeaders, fromZodError, toErrorBody } from "./errors";

/**
 * The one wrapper every route handler and server action goes through:
 * session → subject → zod input → policy decision → domain function in a transaction.
 * Each entry point must declare its access; app/entry-points.test.ts fails on one that doesn't use it.
 */

export interface AccessContext {
  user: SignedIn["user"];
  sessionId: string;
  subject: Subject;
  db: Db;
}

export type Access<I> =
  /** Anyone, signed in or not (health checks, public metadata). */
  | { public: true }
  /** Any signed-in person, acting only on their own data (their profile list, their sessions). */
  | { signedIn: true }
  /** Any member of a place (someone with a role there or above it): 404 for everyone else. */
  | { memberOf: (input: I) => string }
  /**
   * A permission on one record. `resource` finds the record's ResourceRef, or null when it does not
   * exist. A record outside every tenant the caller belongs to answers 404, never 403.
   */
  | { permission: Permission; resource: (input: I, ctx: AccessContext) => Promise<ResourceRef | null> | ResourceRef | null };

export interface HandlerContext<I> {
  input: I;
  /** Null only for `public` access. */
  user: SignedIn["user"] | null;
  subject: Subject | null;
  sessionId: string | null;
  /** The transaction the handler runs in. */
  tx: Tx;
  /** The client's address, for the audit log (see lib/auth/request-meta.ts). */
  ip: string | null;
  /**
   * Runs `fn` with the pool once the handler has thrown and its transaction has rolled back: for
   * what must stay recorded although the request failed, e.g. the audit row of a wrong password
   * (auditForUserNow(db, …) commits in its own transaction). Never runs when the handler succeeds.
   * Writing it during the handler instead would roll back with it, or (in a second transaction
   * while this one holds the audit lock, or on single-connection PGlite) wait forever.
   */
  afterRollback: (fn: (db: Db) => Promise<void>) => void;
}

export interface Spec<S extends z.ZodType, R> {
  access: Access<z.output<S>>;
  input: S;
  handler: (ctx: HandlerContext<z.output<S>>) => Promise<R>;
  /** false: the handler manages the database itself (only the e2e reset needs this). */
  transaction?: false;
}

/** Runs a spec on already-gathered raw input; shared by route() and action(). */
export async function run<S extends z.ZodType, R>(spec: Spec<S, R>, raw: unknown): Promise<R> {
  const db = await prisma();
  const access = spec.access as Access<unknown>;
  let session: SignedIn | null = null;
  let subject: Subject | null = null;
  if (!("public" in access)) {
    session = await currentSession();
    if (!session) throw new AppError("unauthenticated", "Sign in to continue.");
    subject = await sharedLoader(db).load(session.user.id, { isPlatformStaff: session.user.isPlatformStaff });
  }
  const parsed = spec.input.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error);
  const input = parsed.data;

  if ("memberOf" in access) {
    const nodeId = access.memberOf(input);
    if (!isUuid(nodeId) || bindingsReaching(subject!, nodeId).length === 0) throw new AppError("not_found", "Not found.");
  }
  if ("permission" in access) {
    const ctx: AccessContext = { user: session!.user, sessionId: session!.session.id, subject: subject!, db };
    const ref = await access.resource(input, ctx);
    // Not found and "not yours at all" look the same, so existence doesn't leak.
    if (!ref || !isUuid(ref.nodeId) || bindingsReaching(subject!, ref.nodeId).length === 0) throw new AppError("not_found", "Not found.");
    if (!decide(subject!, access.permission, ref)) throw new AppError("forbidden", "You don't have permission to do that.");
  }
  const ip = clientIp(await headers(), config().trustProxy);
  const rolledBack: ((db: Db) => Promise<void>)[] = [];
  const context = { input, user: session?.user ?? null, subject, sessionId: session?.session.id ?? null, ip, afterRollback: (fn: (db: Db) => Promise<void>) => void rolledBack.push(fn) };
  try {
    if (spec.transaction === false) return await spec.handler({ ...context, tx: db });
    return await db.$transaction((tx) => spec.handler({ ...context, tx }));
  } catch (err) {
    for (const fn of rolledBack) await fn(db).catch((e) => console.error("afterRollback failed", e));
    throw err;
  }
}

const isUuid = (value: unknown) => typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

type RouteParams = { params: Promise<Record<string, string | string[]>> };

/** A Next route handler from a spec. Input = path params + query string + JSON body. */
export function route<S extends z.ZodType, R>(spec: Spec<S, R>, options: { status?: number } = {}) {
  return async (request: Request, context?: RouteParams): Promise<Response> => {
    try {
      const params = (await context?.params) ?? {};
      const query = Object.fromEntries(new URL(request.url).searchParams);
      let body: unknown = {};
      if (request.method !== "GET" && request.method !== "HEAD" && request.headers.get("content-length") !== "0") {
        const text = await request.text();
        if (text) {
          try {
            body = JSON.parse(text);
          } catch {
            throw new AppError("invalid", "The request body is not valid JSON.");
          }
        }
      }
      const raw = body && typeof body === "object" && !Array.isArray(body) ? { ...query, ...body, ...params } : body;
      const result = await run(spec, raw);
      // A handler may answer with its own Response (files, images); anything else is JSON.
      if (result instanceof Response) return result;
      return Response.json(result ?? null, { status: options.status ?? 200 });
    } catch (err) {
      const { status, body } = toErrorBody(err);
      return Response.json(body, { status, headers: errorHeaders(err) });
    }
  };
}

export type ActionResult<R> = { ok: true; data: R } | ({ ok: false } & ReturnType<typeof toErrorBody>["body"]);

/** A server action from a spec: never throws to the client; returns data or a typed error. */
export function action<S extends z.ZodType, R>(spec: Spec<S, R>) {
  return async (raw: z.input<S>): Promise<ActionResult<R>> => {
    try {
      return { ok: true, data: await run(spec, raw) };
    } catch (err) {
      return { ok: false, ...toErrorBody(err).body };
    }
  };
}
