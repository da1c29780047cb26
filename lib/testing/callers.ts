import { AppError } from "../api/errors";
import { runAs, type Caller, type Spec } from "../api/handler";
import type { TestDatabase } from "../db/testing";

/**
 * Running the real entry points (route and action specs, through runAs) against a test database:
 * the app's database handle is pointed at it, and callers are built from real session rows.
 */
export function useDatabase(db: TestDatabase): void {
  (globalThis as unknown as { __careaccessDb?: Promise<unknown> }).__careaccessDb = Promise.resolve(db);
}

/** A signed-in caller for the account with this email (a real session row is created for them). */
export async function callerFor(db: TestDatabase, email: string, opts: { mustChangePassword?: boolean } = {}): Promise<Caller> {
  const user = await db.prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, isPlatformStaff: true, mustChangePassword: true } });
  const id = `test-${user.id}-${Math.random().toString(36).slice(2)}`;
  const session = await db.prisma.session.create({ data: { id, userId: user.id, expiresAt: new Date(Date.now() + 3_600_000), reauthAt: new Date() } });
  return {
    session: {
      ok: true,
      session: { id: session.id, userId: user.id, createdAt: session.createdAt, reauthAt: session.reauthAt },
      user: { ...user, mustChangePassword: opts.mustChangePassword ?? user.mustChangePassword },
    },
    ip: "127.0.0.1",
  };
}

/**
 * Runs a route or action export (anything with a `spec`) as the caller: its data, or the AppError's
 * code, message and fields as the client would see them. Any other error is a bug and is thrown.
 */
export async function callEntry(entry: unknown, raw: unknown, caller: Caller) {
  try {
    return { ok: true as const, data: (await runAs((entry as { spec: Spec<never, unknown> }).spec, raw, caller)) as any };
  } catch (err) {
    if (err instanceof AppError) return { ok: false as const, code: err.code, message: err.message, fields: err.fields };
    throw err;
  }
}
