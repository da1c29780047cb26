import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { config } from "../config";
import { prisma } from "../db";
import { revokeSession } from "../sessions/sessions";
import { clientIp } from "./request-meta";
import { completeSignInChallenge, openIdentitySession, signInWithPassword, type SignInResult } from "./sign-in";
import { BROWSER_COOKIE, redeemTicket } from "../identity/sso";
import { SsoError } from "../identity/errors";

/**
 * next-auth (v4) with email and password. The credentials provider needs the JWT strategy; the JWT
 * carries only the user id and the server-side session id, which every request checks.
 */
export function authOptions(): NextAuthOptions {
  const cfg = config();
  const policy = { idleMinutes: cfg.sessionIdleMinutes, absoluteHours: cfg.sessionAbsoluteHours };
  return {
    secret: cfg.authSecret,
    session: { strategy: "jwt", maxAge: cfg.sessionAbsoluteHours * 3600 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const headers = new Headers(req?.headers as Record<string, string> | undefined);
          const result = await signInWithPassword(
            await prisma(),
            { email: credentials?.email, password: credentials?.password },
            { ip: clientIp(headers, cfg.trustProxy), userAgent: headers.get("user-agent") },
            policy,
          );
          return toUser(result);
        },
      }),
      // Step 2 when the person uses two-factor authentication: the challenge from step 1 and a code.
      CredentialsProvider({
        id: "two-factor",
        name: "Two-factor code",
        credentials: { challenge: { type: "text" }, method: { type: "text" }, code: { type: "text" } },
        async authorize(credentials, req) {
          const headers = new Headers(req?.headers as Record<string, string> | undefined);
          const result = await completeSignInChallenge(
            await prisma(),
            { challenge: credentials?.challenge, method: credentials?.method, code: credentials?.code ?? "" },
            { ip: clientIp(headers, cfg.trustProxy), userAgent: headers.get("user-agent") },
            policy,
          );
          return toUser(result);
        },
      }),
      // Single sign-on (issue 12): the single-use ticket the IdP callback handed this browser.
      CredentialsProvider({
        id: "sso",
        name: "Single sign-on",
        credentials: { ticket: { type: "text" } },
        async authorize(credentials, req) {
          const headers = new Headers(req?.headers as Record<string, string> | undefined);
          const db = await prisma();
          const browser = cookieValue(headers.get("cookie"), BROWSER_COOKIE);
          let redeemed;
          try {
            redeemed = await redeemTicket(db, credentials?.ticket ?? "", browser);
          } catch (err) {
            if (err instanceof SsoError) throw new Error(err.message);
            throw err;
          }
          const result = await openIdentitySession(db, redeemed.userId, { ip: clientIp(headers, cfg.trustProxy), userAgent: headers.get("user-agent") }, policy, `sso:${redeemed.kind}`);
          return toUser(result);
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sid = (user as { sessionId?: string }).sessionId;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid as string | undefined, sid: token.sid as string | undefined };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await revokeSession(await prisma(), token.sid, "signed out");
      },
    },
  };
}

/**
 * next-auth passes a thrown message to the sign-in page. Failures all carry the message the
 * person sees; a second step is signalled as "two_factor:<challenge>" or "enrol:<challenge>".
 */
function toUser(result: SignInResult) {
  if (!result.ok) throw new Error(result.next && result.challenge ? `${result.next}:${result.challenge}` : result.message);
  return { id: result.userId, email: result.email, name: result.name, sessionId: result.sessionId };
}

function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}
