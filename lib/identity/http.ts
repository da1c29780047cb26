import "server-only";
import { cookies } from "next/headers";
import { randomToken } from "../security/crypto";
import { securityEnv } from "../security/env";
import { BROWSER_COOKIE } from "./sso";
import { SsoError } from "./errors";

/** HTTP glue of the SSO routes: the browser cookie and the redirects back to the sign-in page. */
export async function browserSecret(create: boolean): Promise<{ value: string | null; setCookie: string | null }> {
  const existing = (await cookies()).get(BROWSER_COOKIE)?.value ?? null;
  if (existing || !create) return { value: existing, setCookie: null };
  const value = randomToken();
  const secure = securityEnv().appUrl.startsWith("https://") ? "; Secure" : "";
  return { value, setCookie: `${BROWSER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=900${secure}` };
}

export function redirectTo(location: string, setCookie?: string | null): Response {
  const headers = new Headers({ Location: location, "Cache-Control": "no-store" });
  if (setCookie) headers.append("Set-Cookie", setCookie);
  return new Response(null, { status: 303, headers });
}

/** Back to /login with the refusal's code (the page shows our own message for it). */
export function refusedRedirect(err: unknown, extra: Record<string, string> = {}): Response {
  if (!(err instanceof SsoError)) {
    console.error("SSO sign-in failed", err);
  }
  const code = err instanceof SsoError ? err.code : "idp_error";
  const params = new URLSearchParams({ sso_error: code, ...extra });
  return redirectTo(`${securityEnv().appUrl}/login?${params}`);
}
