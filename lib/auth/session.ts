import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { config } from "../config";
import { prisma } from "../db";
import { sharedLoader } from "../authz/load";
import { checkSession, type SessionCheck } from "../sessions/sessions";
import { span } from "../api/timing";
import { authOptions } from "./options";

export type SignedIn = Extract<SessionCheck, { ok: true }>;

/** The signed-in person for this request, checked against the session table; null if none. */
export const currentSession = cache(async (): Promise<SignedIn | null> => {
  const jwt = (await span("jwt", () => getServerSession(authOptions()))) as { sid?: string } | null;
  if (!jwt?.sid) return null;
  const cfg = config();
  const db = await prisma();
  const check = await span("session", () => checkSession(db, jwt.sid, { idleMinutes: cfg.sessionIdleMinutes, absoluteHours: cfg.sessionAbsoluteHours }));
  return check.ok ? check : null;
});

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
  const subject = await sharedLoader(await prisma()).load(signedIn.user.id, { isPlatformStaff: signedIn.user.isPlatformStaff });
  return { ...signedIn, subject };
});
