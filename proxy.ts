import { decode, getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { PROXY_TIMING_HEADER, timingEnabled } from "./lib/api/timing";
import { cachingDecode, signedSidHeaders, SID_HEADER, SID_MAC_HEADER } from "./lib/auth/proxy-session";
import { clientIp } from "./lib/auth/request-meta";
import { processorOrigin } from "./lib/billing/processor-config";
import { config as appConfig } from "./lib/config";
import { checkActionRequest } from "./lib/security/action-request";
import { ipBlockFor } from "./lib/security/ip-gate";

/**
 * The request gate (Next 16's name for middleware), for every page and API call:
 *  1. CSRF: a state-changing request from another site (Origin / Sec-Fetch-Site) is refused; a
 *     server-action call Next can't decode (content type, JSON, size) is a 400, not Next's 500.
 *  2. Public pages (sign-in, invitation and reset links, the development mailbox) pass.
 *  3. No signed session → /login for pages, 401 JSON for the API. The session row itself (revoked?
 *     idle? disabled?) is checked by every page and handler through lib/auth/session.ts.
 *  4. The tenant IP allowlists: a signed-in request from outside them is refused (a clear page or
 *     403 JSON) and audited.
 *  5. Security headers on every answer: CSP with a per-request nonce, frame-ancestors none,
 *     referrer policy, nosniff, HSTS in production.
 */
const PUBLIC_PATHS = [
  /^\/login(\/|$)/,
  /^\/api\/auth\//,
  /^\/api\/health(\/live)?$/,
  /^\/api\/public\//,
  /^\/invite\//,
  /^\/reset-password(\/|$)/,
  /^\/forgot-password$/,
  /^\/blocked$/,
  /^\/dev\/mailbox$/,
  /^\/api\/dev\//,
  /^\/api\/openapi\.json$/,
  // Single sign-on and SCIM (issue 12): before there is a session, or a bearer token instead of one.
  /^\/api\/sso\//,
  /^\/scim\/v2(\/|$)/,
  // The API reference (issue 13), like the OpenAPI document it renders.
  /^\/docs\/api$/,
];
/** The SAML ACS is posted to by the IdP's page, another site by design; the signed assertion is its proof. */
const CROSS_SITE_POSTS = [/^\/api\/sso\/saml\/[0-9a-f-]{36}\/acs$/];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const decodeOnce = cachingDecode(decode);

export async function proxy(request: NextRequest) {
  const t0 = timingEnabled ? performance.now() : 0;
  const cfg = appConfig();
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, !cfg.production && process.env.NODE_ENV !== "production");
  const { pathname, search } = request.nextUrl;

  if (!SAFE_METHODS.has(request.method) && !CROSS_SITE_POSTS.some((re) => re.test(pathname)) && isCrossSite(request, cfg.trustProxy)) {
    return secure(NextResponse.json({ error: { code: "forbidden", message: "This request came from another site and was refused." } }, { status: 403 }), csp, cfg.production);
  }
  const malformedAction = await checkActionRequest(request);
  if (malformedAction) return secure(NextResponse.json(malformedAction.body, { status: malformedAction.status }), csp, cfg.production);

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.delete(PROXY_TIMING_HEADER);
  // Only the proxy says which session the cookie holds (lib/auth/proxy-session.ts).
  requestHeaders.delete(SID_HEADER);
  requestHeaders.delete(SID_MAC_HEADER);
  const pass = () => {
    // Timing (issue 15): the route adds the proxy's share to its Server-Timing header.
    if (timingEnabled) requestHeaders.set(PROXY_TIMING_HEADER, (performance.now() - t0).toFixed(3));
    return secure(NextResponse.next({ request: { headers: requestHeaders } }), csp, cfg.production);
  };

  if (PUBLIC_PATHS.some((re) => re.test(pathname))) return pass();
  // An API key instead of a session (issue 13): the route's wrapper checks the key (401 when it's no key).
  if (pathname.startsWith("/api/") && /^bearer\s/i.test(request.headers.get("authorization") ?? "")) return pass();

  const token = await getToken({ req: request, secret: cfg.authSecret, decode: decodeOnce });
  if (!token?.sid) {
    if (pathname.startsWith("/api/")) {
      return secure(NextResponse.json({ error: { code: "unauthenticated", message: "Sign in to continue." } }, { status: 401 }), csp, cfg.production);
    }
    const login = new URL("/login", request.url);
    if (pathname !== "/") login.searchParams.set("next", pathname + search);
    return secure(NextResponse.redirect(login), csp, cfg.production);
  }

  for (const [name, value] of signedSidHeaders(cfg.authSecret, token.sid as string)) requestHeaders.set(name, value);
  if (typeof token.uid === "string") {
    const ip = clientIp(request.headers, cfg.trustProxy);
    const blocked = await ipBlockFor(token.uid, ip);
    if (blocked) {
      if (pathname.startsWith("/api/")) {
        return secure(NextResponse.json({ error: { code: "forbidden", message: blocked.message } }, { status: 403 }), csp, cfg.production);
      }
      return secure(NextResponse.rewrite(new URL("/blocked", request.url), { status: 403, request: { headers: requestHeaders } }), csp, cfg.production);
    }
  }
  return pass();
}

function contentSecurityPolicy(nonce: string, dev: boolean): string {
  const processor = processorOrigin();
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // The payment processor: the billing settings page posts the card to it from the browser.
    `connect-src 'self'${processor ? ` ${processor}` : ""}${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Is a state-changing request coming from a page on another site? (CSRF) */
function isCrossSite(request: NextRequest, trustProxy: boolean): boolean {
  const origin = request.headers.get("origin");
  const host = (trustProxy && request.headers.get("x-forwarded-host")) || request.headers.get("host");
  if (origin && origin !== "null") {
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  if (origin === "null") return true;
  const site = request.headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

function secure(response: NextResponse, csp: string, production: boolean): NextResponse {
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (production && (process.env.NEXTAUTH_URL ?? "").startsWith("https://")) {
    response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
