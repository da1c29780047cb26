import type { Db } from "../db/client";
import { createSession, type SessionPolicy } from "../sessions/sessions";
import { BAD_CREDENTIALS, signInSchema } from "./credentials";
import { verifyPassword } from "./password";

export type SignInResult =
  | { ok: true; userId: string; sessionId: string; name: string; email: string }
  | { ok: false; message: string };

/**
 * Checks an email and password and opens a server-side session. Unknown email, wrong password
 * and a disabled account all answer the same message, in the same time.
 */
export async function signInWithPassword(
  db: Db,
  raw: unknown,
  meta: { ip?: string | null; userAgent?: string | null },
  policy: SessionPolicy,
): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? BAD_CREDENTIALS };
  const { email, password } = parsed.data;
  const user = await db.user.findUnique({ where: { email }, select: { id: true, name: true, email: true, passwordHash: true, status: true } });
  const passwordOk = await verifyPassword(user?.passwordHash, password);
  if (!user || !passwordOk || user.status !== "ACTIVE") return { ok: false, message: BAD_CREDENTIALS };
  const sessionId = await createSession(db, { userId: user.id, ...meta }, policy);
  return { ok: true, userId: user.id, sessionId, name: user.name, email: user.email };
}
