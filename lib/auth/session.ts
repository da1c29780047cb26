import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { verifiedSid } from "./proxy-session";
import { redirect } from "next/navigation";
import { cache } from "react";
import { config } from "../config";
import { database } from "../db";
import { processSignal } from "../cache/signal";
import { processSessionCache } from "../sessions/cache";
import { sharedLoader } from "../authz/load";
import { checkSession, type SessionCheck } from "../sessions/sessions";
import { span } from "../api/timing";
import { authOptions } from "./options";

export type SignedIn = Extract<SessionCheck, { ok: true }>;

/**
 * The signed-in person for this request, checked against the session table; null if none. A good
 * check is reused for up to a second by this instance (lib/sessions/cache.ts) until any instance
 * changes the session, the person, their bindings or tenants (the shared signal empties it).
 */
export const currentSession = cache(async (): Promise<SignedIn | null> => {
  const sid = await span("jwt", sessionIdFromRequest);
  if (!sid) return null;
  const cfg = config();
  const db = await database();
  const sessions = processSessionCache(processSignal(db));
  return span("session", async () => {
    const hit = await sessions.getFresh(sid);
    if (hit) return hit;
    const generation = sessions.begin();
    const check = await checkSession(db.prisma, sid, { idleMinutes: cfg.sessionIdleMinutes, absoluteHours: cfg.sessionAbsoluteHours });
    if (!check.ok) return null;
    sessions.set(sid, check, generation);
    return check;
  });
});

/** The session id: as proxy.ts vouched for it, or from the cookie where the proxy didn't look (public paths). */
async function sessionIdFromRequest(): Promise<string | null> {
  // headers() first: it is what makes a page dynamic at build time, before any configuration is read.
  const requestHeaders = await headers();
  const vouched = verifiedSid(config().authSecret, requestHeaders);
  if (vouched) return vouched;
  const jwt = (await getServerSession(authOptions())) as { sid?: string } | null;
  return jwt?.sid ?? null;
}

/** For pages: the signed-in person, or a redirect to /login. */
export async function requireSignedIn(opts: { allowPasswordChange?: boolean } = {}): Promise<SignedIn> {
  const session = await currentSession();
  if (!session) redirect("/login?expired=1");
  // An admin-set or expired password must be changed before anything else.
  if (session.user.mustChangePassword && !opts.allowPasswordChange) redirect("/change-password");
  return session;
}

/** For pages: the signed-in person and their compiled subject (one per request). */
export const requireSubject = cache(async () => {
  const signedIn = await requireSignedIn();
  const subject = await sharedLoader((await database()).prisma).load(signedIn.user.id, { isPlatformStaff: signedIn.user.isPlatformStaff, versions: signedIn.versions, delegations: signedIn.delegations });
  return { ...signedIn, subject };
});
