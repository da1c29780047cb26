import "server-only";
import { z } from "zod";
import { touchMembership } from "../access/inactivity";
import { allowingGrants, bindingsReaching, canActOnMember, decide, lookupNode, withoutDelegations, type MemberReach, type Permission, type ResourceRef, type Subject } from "../authz";
import { sharedLoader } from "../authz/load";
import { headers } from "next/headers";
import { clientIp } from "../auth/request-meta";
import { currentSession, type SignedIn } from "../auth/session";
import { config } from "../config";
import { prisma } from "../db";
import type { Db, Tx } from "../db/client";
import { loadMemberTarget, lockTenant, memberFacts, type MemberTarget } from "../members/accounts";
import { AppError, errorHeaders, fromZodError, notFound, rateLimited, toErrorBody } from "./errors";
import { authenticateApiKey, parseBearer, recordKeyUsage } from "../machine/keys";
import { keySubject } from "../machine/key-subject";
import { keyRateLimiter, rateLimitHeaders } from "../machine/rate-limit";
import { assertSafeText } from "./input";
import { requestContext, withRequestContext } from "./request-context";
import { addSpan, PROXY_TIMING_HEADER, serverTiming, span, timingEnabled, withTiming } from "./timing";

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

/** An action on one member of the place: the wrapper loads them and applies the member rules. */
export interface MemberAccess<I> {
  userId: (input: I) => string;
  /** roles: their roles here; membership: suspend/remove here; account: their account everywhere. */
  reach: MemberReach;
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
   * exist. A record outside every tenant the caller belongs to answers 404, never 403. With
   * `member`, the record is a person of the place: 404 unless they belong there, then the member
   * rules (owners by owners, account-wide changes by the managing tenant) in lib/authz/rules.ts.
   */
  | { permission: Permission; resource: (input: I, ctx: AccessContext) => Promise<ResourceRef | null> | ResourceRef | null; member?: MemberAccess<I> }
  /**
   * A tenant's SCIM client (issue 12): `Authorization: Bearer <token>` of one of the tenant's SCIM
   * tokens (lib/identity/scim-tokens.ts). The handler gets that tenant and acts only inside it.
   */
  | { scim: true };

/** What every handler gets, whatever its access. */
interface BaseContext<I> {
  input: I;
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

/** `public`: nobody is known, so there is no user, subject or session to read. */
export type PublicContext<I> = BaseContext<I>;

/** Every other access: the signed-in person, their compiled subject and their session. */
export interface SignedInContext<I> extends BaseContext<I> {
  user: SignedIn["user"];
  subject: Subject;
  sessionId: string;
}

/** `scim`: no person, the tenant whose token was presented. */
export interface ScimContext<I> extends BaseContext<I> {
  scim: { tenantId: string; tokenId: string };
}

/** A permission with `member`: the person the action is about, loaded and checked by the wrapper. */
export interface MemberContext<I> extends SignedInContext<I> {
  member: MemberTarget;
}

/**
 * The handler's context for an access kind: `{ public: true }` → PublicContext; a permission with
 * `member` → MemberContext; `signedIn`, `memberOf` and a permission without `member` → SignedInContext.
 */
export type HandlerContext<I, A = Access<I>> = A extends { public: true } ? PublicContext<I> : A extends { scim: true } ? ScimContext<I> : A extends { member: object } ? MemberContext<I> : SignedInContext<I>;

/** An entry point's declaration; `A` is the literal access it declares, which picks its handler's context. */
export interface Spec<S extends z.ZodType, R, A extends Access<z.output<S>> = Access<z.output<S>>> {
  access: A;
  input: S;
  handler: (ctx: HandlerContext<z.output<S>, A>) => Promise<R>;
  /** false: the handler manages the database itself (the e2e reset; the dev mailbox, which reads the session). */
  transaction?: false;
  /**
   * A pure read (no writes, no audit row): the handler runs on the pool without a transaction,
   * saving BEGIN/COMMIT and Prisma's transaction bookkeeping (issue 15). `tx` is then the pool, so
   * its reads may see different snapshots; don't set it on a handler that writes.
   */
  readOnly?: true;
  /** Reachable while the person must change their password (the password change itself). */
  allowDuringPasswordChange?: true;
  /**
   * API keys (issue 13) are accepted wherever a session is, except on `signedIn` routes (a person's
   * own account: password, sessions, 2FA, new profiles), which must opt in with `apiKeys: true`.
   */
  apiKeys?: boolean;
}

/** Who is calling: resolved from the request by run(), or given directly by tests. */
export interface Caller {
  session: SignedIn | null;
  ip: string | null;
  userAgent?: string | null;
  /** The Authorization header's bearer token: a SCIM token for `scim` access, else an API key. */
  bearer?: string | null;
  /** Filled by runAs with headers the response must carry (an API key's RateLimit headers). */
  responseHeaders?: Record<string, string>;
}

/** Runs a spec on already-gathered raw input; shared by route() and action(). */
export async function run<S extends z.ZodType, R, A extends Access<z.output<S>>>(spec: Spec<S, R, A>, raw: unknown, responseHeaders?: Record<string, string>): Promise<R> {
  const needsSession = !("public" in spec.access) && !("scim" in spec.access);
  return runAs(spec, raw, async () => {
    const h = await headers();
    const authorization = h.get("authorization");
    // A bearer is a SCIM token on SCIM routes, an API key anywhere else but public routes (issue 13).
    const bearer = authorization !== null && /^bearer\b/i.test(authorization) && !("public" in spec.access) ? (parseBearer(authorization) ?? "") : "scim" in spec.access ? "" : null;
    // With an API key no session is looked at: the key alone says who is calling.
    const session = needsSession && bearer === null ? await currentSession() : null;
    return { session, ip: clientIp(h, config().trustProxy), userAgent: h.get("user-agent")?.slice(0, 512) ?? null, bearer, responseHeaders };
  });
}

/**
 * The checks, in order: signed in (401) → password change not pending (403) → the place is one
 * the caller can reach, whatever the input looks like (404) → input (400) → permission (403) →
 * in the transaction: the tenant locked and the member rules applied for member actions.
 * A public spec judges its input first, before the request or the database is touched.
 */
export async function runAs<S extends z.ZodType, R, A extends Access<z.output<S>>>(spec: Spec<S, R, A>, raw: unknown, who: Caller | (() => Promise<Caller>)): Promise<R> {
  const access = spec.access as Access<unknown>;
  // A public spec's input is judged before anything else is touched (and only once).
  const early = "public" in access ? parseInput(spec.input, raw, true) : null;
  const caller = typeof who === "function" ? await who() : who;
  const session = "public" in access || "scim" in access ? null : caller.session;
  if ("scim" in access) {
    // The token is checked before the input is looked at: an unknown token learns nothing.
    const { authenticateScimToken } = await import("../identity/scim-tokens");
    const token = await authenticateScimToken(await prisma(), caller.bearer ?? null);
    const context = { actorId: null, sessionId: null, ip: caller.ip, userAgent: caller.userAgent ?? null, via: "scim" as const, credentialId: token.tokenId };
    return withRequestContext(context, () => runScim(spec, raw, caller, token));
  }
  if (caller.bearer != null && !("public" in access)) return runWithApiKey(spec, raw, caller);
  // Who is acting, for the audit log and anything else far from here (lib/api/request-context.ts).
  const requestContext = { actorId: session?.user.id ?? null, sessionId: session?.session.id ?? null, ip: caller.ip, userAgent: caller.userAgent ?? null, via: session ? ("session" as const) : ("public" as const) };
  return withRequestContext(requestContext, () => runChecked(spec, raw, caller, session, early));
}

/**
 * An API key's request (issue 13): the key (401 when unknown, revoked, expired, off its IP ranges),
 * its rate limit (429), then exactly the session path's checks with the key's restricted subject.
 * Every request is counted in the key's hourly usage, failures as errors.
 */
async function runWithApiKey<S extends z.ZodType, R, A extends Access<z.output<S>>>(spec: Spec<S, R, A>, raw: unknown, caller: Caller): Promise<R> {
  const db = await prisma();
  const key = await authenticateApiKey(db, caller.bearer ?? null, caller.ip);
  const context = { actorId: key.principal.id, sessionId: null, ip: caller.ip, userAgent: caller.userAgent ?? null, via: "api_key" as const, credentialId: key.keyId };
  return withRequestContext(context, async () => {
    let failed = true;
    try {
      if ("signedIn" in spec.access && !spec.apiKeys) throw new AppError("forbidden", "API keys can't be used here: this route is about a person's own account.");
      const verdict = await keyRateLimiter().consume(key.keyId, key.rateLimitPerMinute);
      if (caller.responseHeaders) Object.assign(caller.responseHeaders, rateLimitHeaders(verdict));
      if (!verdict.ok) throw rateLimited("This API key has made too many requests. Wait and try again.", verdict.resetSeconds);
      const subject = await keySubject(db, key);
      const now = new Date();
      const session: SignedIn = { ok: true, session: { id: `api_key:${key.keyId}`, userId: key.principal.id, createdAt: now, reauthAt: null }, user: { ...key.principal, isPlatformStaff: false, mustChangePassword: false } };
      const result = await runChecked(spec, raw, caller, session, null, subject);
      failed = result instanceof Response && result.status >= 400;
      return result;
    } finally {
      await recordKeyUsage(db, key.keyId, failed).catch((e) => console.error("API key usage not recorded", e));
    }
  });
}

/** A `scim` spec once its token is known: input (400), then the handler in a transaction. */
async function runScim<S extends z.ZodType, R, A extends Access<z.output<S>>>(spec: Spec<S, R, A>, raw: unknown, caller: Caller, scim: { tenantId: string; tokenId: string }): Promise<R> {
  const parsed = parseInput(spec.input, raw, true);
  if (!parsed.ok) throw parsed.error;
  const db = await prisma();
  const context = { input: parsed.input, ip: caller.ip, scim, afterRollback: () => {}, user: null, subject: null, sessionId: null, member: null };
  return db.$transaction((tx: Tx) => callHandler(spec, { ...context, tx }));
}

/** runAs() once the caller is known: the checks and the handler, inside the request context. */
async function runChecked<S extends z.ZodType, R, A extends Access<z.output<S>>>(
  spec: Spec<S, R, A>,
  raw: unknown,
  caller: Caller,
  session: SignedIn | null,
  early: ReturnType<typeof parseInput<S>> | null,
  /** An API key's subject (restricted to its scope), used instead of the person's own. */
  keySubjectOverride?: Subject,
): Promise<R> {
  const access = spec.access as Access<unknown>;
  const db = await prisma();
  // Set for every access but `public`: the signed-in person, their session and compiled subject.
  let accessContext: AccessContext | null = null;
  if (!("public" in access)) {
    if (!session) throw new AppError("unauthenticated", "Sign in to continue.");
    if (session.user.mustChangePassword && !spec.allowDuringPasswordChange) {
      throw new AppError("forbidden", "Change your password before doing anything else.", { _: ["password_change_required"] });
    }
    const subject = keySubjectOverride ?? (await span("subject", () => sharedLoader(db).load(session.user.id, { isPlatformStaff: session.user.isPlatformStaff, versions: session.versions, delegations: session.delegations })));
    accessContext = { user: session.user, sessionId: session.session.id, subject, db };
  }
  const parsed = early ?? parseInput(spec.input, raw, false);
  if (!parsed.ok) {
    // Outsiders learn nothing from how their input is judged: a place they can't reach is 404 first.
    if (accessContext && (await placeOf(access, raw, accessContext).catch(() => undefined)) === null) throw new AppError("not_found", "Not found.");
    throw parsed.error;
  }
  const input = parsed.input;
  let ref: ResourceRef | null = null;
  let onBehalfOf: string | null = null;
  if (accessContext && ("memberOf" in access || "permission" in access)) {
    const t0 = timingEnabled ? performance.now() : 0;
    ref = (await placeOf(access, input, accessContext)) ?? null;
    if (!ref) throw new AppError("not_found", "Not found.");
    if ("permission" in access && !decide(accessContext.subject, access.permission, ref)) throw new AppError("forbidden", "You don't have permission to do that.");
    if (timingEnabled) addSpan("policy", performance.now() - t0);
    // Inactivity expiry (issue 11): this membership was used now.
    const root = lookupNode(accessContext.subject, ref.nodeId)?.rootId;
    if (root) await touchMembership(db, accessContext.user.id, root).catch((e) => console.error("membership activity not recorded", e));
    if ("permission" in access) onBehalfOf = delegatorFor(accessContext.subject, access.permission, ref);
  }
  const rolledBack: ((db: Db) => Promise<void>)[] = [];
  const subject = accessContext?.subject ?? null;
  const context = { input, user: accessContext?.user ?? null, subject, sessionId: accessContext?.sessionId ?? null, ip: caller.ip, afterRollback: (fn: (db: Db) => Promise<void>) => void rolledBack.push(fn) };
  try {
    const memberAction = "permission" in access && Boolean(access.member);
    const work = spec.transaction === false || (spec.readOnly && !memberAction)
      ? () => callHandler(spec, { ...context, tx: db, member: null })
      : () => inTransaction(db, spec, access, input, subject, ref, context);
    // The place is known now: audit rows written by the handler record it (issue 9), and on whose
    // behalf when only a delegation allows it (issue 11).
    const current = requestContext();
    if (ref && current) return await span("handler", () => withRequestContext({ ...current, nodeId: ref.nodeId, onBehalfOf: onBehalfOf ?? current.onBehalfOf }, work));
    return await span("handler", work);
  } catch (err) {
    for (const fn of rolledBack) await fn(db).catch((e) => console.error("afterRollback failed", e));
    throw err;
  }
}

/** The delegator whose delegated rights alone allow this (issue 11), or null when the caller's own rights do. */
function delegatorFor(subject: Subject, permission: Permission, ref: ResourceRef): string | null {
  if (!subject.bindings.some((b) => b.delegation) || decide(withoutDelegations(subject), permission, ref)) return null;
  return allowingGrants(subject, permission, ref).find((g) => g.binding.delegation)?.binding.delegation?.delegatorId ?? null;
}

/** The context runAs() builds: every field, null where the access kind has none. */
type BuiltContext<I> = BaseContext<I> & { user: SignedIn["user"] | null; subject: Subject | null; sessionId: string | null; member: MemberTarget | null; scim?: { tenantId: string; tokenId: string } };

/**
 * Where the types meet the checks: by the time runAs() calls the handler it has established what
 * HandlerContext<I, A> promises (signed in unless `public`; the member loaded when A declares one).
 */
function callHandler<S extends z.ZodType, R, A extends Access<z.output<S>>>(spec: Spec<S, R, A>, ctx: BuiltContext<z.output<S>>): Promise<R> {
  return spec.handler(ctx as HandlerContext<z.output<S>, A>);
}

/** The handler in a transaction; for member actions, the tenant locked and the member rules applied first. */
async function inTransaction<S extends z.ZodType, R, A extends Access<z.output<S>>>(
  db: Db,
  spec: Spec<S, R, A>,
  access: Access<unknown>,
  input: z.output<S>,
  subject: Subject | null,
  ref: ResourceRef | null,
  context: Omit<BuiltContext<z.output<S>>, "tx" | "member">,
): Promise<R> {
  return db.$transaction(async (tx: Tx) => {
    let member: MemberTarget | null = null;
    // ref and subject are both set for every permission access (runAs checked them above).
    if ("permission" in access && access.member && ref && subject) {
      const place = await tx.orgNode.findUniqueOrThrow({ where: { id: ref.nodeId }, select: { rootId: true } });
      // Before reading owners and memberships: concurrent changes to this tenant's people wait here.
      await lockTenant(tx, place.rootId);
      member = await loadMemberTarget(tx, ref.nodeId, access.member.userId(input), { rootId: place.rootId });
      if (!member) throw notFound("That person");
      const verdict = canActOnMember(subject, ref.nodeId, memberFacts(member), access.member.reach);
      if (!verdict.ok) throw new AppError(verdict.code, verdict.reason);
    }
    return callHandler(spec, { ...context, tx, member });
  });
}

/** The input, or the 400 it deserves; text PostgreSQL can't store is refused like any bad field. */
function parseInput<S extends z.ZodType>(schema: S, raw: unknown, throwIfInvalid: boolean): { ok: true; input: z.output<S> } | { ok: false; error: AppError } {
  let error: AppError;
  try {
    assertSafeText(raw);
    const result = schema.safeParse(raw);
    if (result.success) return { ok: true, input: result.data };
    error = fromZodError(result.error);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    error = err;
  }
  if (throwIfInvalid) throw error;
  return { ok: false, error };
}

/**
 * The place an access is about, if the caller can reach it: its node id; null when it doesn't
 * exist or is outside every live binding (archived, expired, another tenant); undefined when the
 * access isn't about a place or the input names no place id. May throw on malformed input (callers treat that as "can't tell").
 */
async function placeOf(access: Access<unknown>, input: unknown, ctx: AccessContext): Promise<ResourceRef | null | undefined> {
  let ref: ResourceRef | null;
  if ("memberOf" in access) ref = { nodeId: access.memberOf(input) };
  else if ("permission" in access) ref = await access.resource(input, ctx);
  else return undefined;
  // No recognisable place id: nothing to hide, let the input's own errors speak.
  if (ref && !isUuid(ref.nodeId)) return undefined;
  return ref && bindingsReaching(ctx.subject, ref.nodeId).length > 0 ? ref : null;
}

const isUuid = (value: unknown) => typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

type RouteParams = { params: Promise<Record<string, string | string[]>> };

/** A Next route handler from a spec. Input = path params + query string + JSON body. */
export function route<S extends z.ZodType, A extends Access<z.output<S>>, R>(
  spec: Spec<S, R, A>,
  /** `errorResponse`: an API with its own error format (SCIM's, RFC 7644 §3.12) renders the error itself. */
  options: { status?: number; errorResponse?: (status: number, body: ReturnType<typeof toErrorBody>["body"], headers: Record<string, string>) => Response } = {},
) {
  return withSpec(spec, (request: Request, context?: RouteParams): Promise<Response> => withTiming(() => answer(request, context)));
  async function answer(request: Request, context?: RouteParams): Promise<Response> {
    const extraHeaders: Record<string, string> = {};
    if (timingEnabled) addSpan("proxy", Number(request.headers.get(PROXY_TIMING_HEADER) ?? 0));
    try {
      const params = (await context?.params) ?? {};
      const query = Object.fromEntries(new URL(request.url).searchParams);
      let body: unknown = {};
      if (request.method !== "GET" && request.method !== "HEAD" && request.headers.get("content-length") !== "0") {
        const text = await request.text();
        // A form post (a SAML IdP's POST binding, issue 12) is read as fields; everything else is JSON.
        if (text && request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) {
          body = Object.fromEntries(new URLSearchParams(text));
        } else if (text) {
          try {
            body = JSON.parse(text);
          } catch {
            throw new AppError("invalid", "The request body is not valid JSON.");
          }
        }
      }
      const raw = body && typeof body === "object" && !Array.isArray(body) ? { ...query, ...body, ...params } : body;
      const result = await run(spec, raw, extraHeaders);
      // A handler may answer with its own Response (files, images); anything else is JSON.
      if (result instanceof Response) {
        for (const [name, value] of Object.entries(extraHeaders)) if (!result.headers.has(name)) result.headers.set(name, value);
        return result;
      }
      const t0 = timingEnabled ? performance.now() : 0;
      const response = Response.json(result ?? null, { status: options.status ?? 200, headers: extraHeaders });
      if (timingEnabled) {
        addSpan("serialize", performance.now() - t0);
        response.headers.set("Server-Timing", serverTiming()!);
      }
      return response;
    } catch (err) {
      const { status, body } = toErrorBody(err);
      if (options.errorResponse) return options.errorResponse(status, body, { ...extraHeaders, ...errorHeaders(err) });
      return Response.json(body, { status, headers: { ...extraHeaders, ...errorHeaders(err) } });
    }
  }
}

export type ActionResult<R> = { ok: true; data: R } | ({ ok: false } & ReturnType<typeof toErrorBody>["body"]);

/** A server action from a spec: never throws to the client; returns data or a typed error. */
export function action<S extends z.ZodType, A extends Access<z.output<S>>, R>(spec: Spec<S, R, A>) {
  return withSpec(spec, async (raw: z.input<S>): Promise<ActionResult<R>> => {
    try {
      return { ok: true, data: await run(spec, raw) };
    } catch (err) {
      return { ok: false, ...toErrorBody(err).body };
    }
  });
}

/** The spec stays reachable from the entry point, so tests can run it as any caller (runAs). */
function withSpec<S extends z.ZodType, R, A extends Access<z.output<S>>, F extends (...args: never[]) => unknown>(spec: Spec<S, R, A>, fn: F): F & { spec: Spec<S, R, A> } {
  return Object.assign(fn, { spec });
}
