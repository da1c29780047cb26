import { randomBytes } from "node:crypto";
import { versionsJsonSql, type DelegationRow, type RootVersion } from "../authz/versions";
import type { Db, Tx } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hotRead } from "../db/hot-read";

/**
 * Server-side sessions. The signed cookie carries only the session id; every request checks the
 * row, so sessions can be listed, idled out and revoked.
 */
export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

/** lastSeenAt is written at most this often, so every request doesn't cost a write. */
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  db: Db | Tx,
  input: { userId: string; ip?: string | null; userAgent?: string | null; idleMinutes?: number | null },
  policy: SessionPolicy,
  now = new Date(),
): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await db.session.create({
    data: {
      id,
      userId: input.userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + policy.absoluteHours * 3_600_000),
      ip: input.ip?.slice(0, 64) ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      idleMinutes: input.idleMinutes ?? null,
      reauthAt: now,
    },
  });
  return id;
}

export type SessionCheck =
  | {
      ok: true;
      session: { id: string; userId: string; createdAt: Date; reauthAt: Date | null };
      user: { id: string; email: string; name: string; isPlatformStaff: boolean; mustChangePassword: boolean };
      /** The versions of the person's tenants, read in the same round trip (lib/authz/load.ts reuses them). */
      versions?: RootVersion[];
      /** The delegations they received that have not ended (issue 11), same round trip. */
      delegations?: DelegationRow[];
    }
  | { ok: false; reason: "missing" | "revoked" | "expired" | "idle" | "disabled" };

interface SessionRow {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  idleMinutes: number | null;
  reauthAt: Date | null;
  user: { id: string; email: string; name: string; isPlatformStaff: boolean; status: string; mustChangePassword: boolean };
  versions: RootVersion[];
  delegations: DelegationRow[];
}

/**
 * Is this session still good? Refreshes lastSeenAt (throttled) when it is. One round trip: the
 * session, its person and the versions of their tenants (issue 15).
 */
export async function checkSession(db: Db | Tx, id: string | undefined, policy: SessionPolicy, now = new Date()): Promise<SessionCheck> {
  if (!id) return { ok: false, reason: "missing" };
  const [row] = await hotRead<SessionRow>(db, Prisma.sql`
    SELECT s.id, s.user_id::text AS "userId", s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt",
           s.revoked_at AS "revokedAt", s.idle_minutes AS "idleMinutes", s.reauth_at AS "reauthAt",
           json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'isPlatformStaff', u.is_platform_staff, 'status', u.status, 'mustChangePassword', u.must_change_password) AS "user",
           ${versionsJsonSql("s.user_id", now)}
      FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = ${id}`);
  if (!row) return { ok: false, reason: "missing" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  if (now.getTime() - row.lastSeenAt.getTime() > (row.idleMinutes ?? policy.idleMinutes) * 60_000) {
    await revokeSession(db, id, "idle timeout", now);
    return { ok: false, reason: "idle" };
  }
  if (row.user.status !== "ACTIVE") {
    await revokeSession(db, id, "account disabled", now);
    return { ok: false, reason: "disabled" };
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.update({ where: { id }, data: { lastSeenAt: now } });
  }
  const { user } = row;
  return {
    ok: true,
    session: { id: row.id, userId: row.userId, createdAt: row.createdAt, reauthAt: row.reauthAt },
    user: { id: user.id, email: user.email, name: user.name, isPlatformStaff: user.isPlatformStaff, mustChangePassword: user.mustChangePassword },
    versions: row.versions,
    delegations: row.delegations,
  };
}

export async function revokeSession(db: Db | Tx, id: string, reason: string, now = new Date()): Promise<void> {
  await db.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
}

/** A person's live sessions, newest activity first, for "Your devices" and the admin view. */
export async function listSessions(db: Db | Tx, userId: string, now = new Date()) {
  const rows = await db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true, idleMinutes: true },
  });
  return rows
    .filter((r) => r.idleMinutes === null || now.getTime() - r.lastSeenAt.getTime() <= r.idleMinutes * 60_000)
    .map((r) => ({ id: r.id, createdAt: r.createdAt, lastSeenAt: r.lastSeenAt, ip: r.ip, device: describeDevice(r.userAgent) }));
}

/** "Chrome on Linux" from a user-agent string. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown device";
  const ua = userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\/|Chromium\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /curl|node|undici|Playwright|Vitest/i.test(ua) ? "Script" : "Browser";
  const os = /iPhone|iPad/.test(ua) ? "iOS" : /Android/.test(ua) ? "Android" : /Windows/.test(ua) ? "Windows" : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /Linux|X11/.test(ua) ? "Linux" : null;
  return os ? `${browser} on ${os}` : browser;
}
