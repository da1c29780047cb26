import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { config } from "../config";
import { prisma } from "../db";
import { revokeSession } from "../sessions/sessions";
import { clientIp } from "./request-meta";
import { signInWithPassword } from "./sign-in";

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
          // next-auth passes a thrown message to the sign-in page; it is the same for every failure.
          if (!result.ok) throw new Error(result.message);
          return { id: result.userId, email: result.email, name: result.name, sessionId: result.sessionId };
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
