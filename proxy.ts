import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "./lib/config";

/**
 * The request gate (Next 16's name for middleware): no signed session → /login for pages, 401
 * JSON for the API. It only checks that a signed session cookie is present; the session row itself
 * (revoked? idle? disabled?) is checked by every page and handler through lib/auth/session.ts.
 */
const PUBLIC_PATHS = [/^\/login(\/|$)/, /^\/api\/auth\//, /^\/api\/health$/];

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PATHS.some((re) => re.test(pathname))) return withSecurityHeaders(NextResponse.next());

  const token = await getToken({ req: request, secret: appConfig().authSecret });
  if (token?.sid) return withSecurityHeaders(NextResponse.next());

  if (pathname.startsWith("/api/")) {
    return withSecurityHeaders(NextResponse.json({ error: { code: "unauthenticated", message: "Sign in to continue." } }, { status: 401 }));
  }
  const login = new URL("/login", request.url);
  if (pathname !== "/") login.searchParams.set("next", pathname + search);
  return withSecurityHeaders(NextResponse.redirect(login));
}

function withSecurityHeaders(response: NextResponse): NextResponse {
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("Content-Security-Policy", "frame-ancestors 'none'");
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
