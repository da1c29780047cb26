import type { Db, Tx } from "../db/client";
import { hashPassword, verifyPassword } from "../auth/password";
import { isCommonPassword } from "./common-passwords";
import type { PasswordPolicy } from "./settings";

/**
 * Checks a new password against a tenant's policy. Returns the messages a person sees, one per
 * rule broken (empty = acceptable). The history rule needs the database: see checkPasswordHistory.
 */
export function passwordProblems(policy: PasswordPolicy, password: string, context: { email?: string; name?: string } = {}): string[] {
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push(`Use at least ${policy.minLength} characters.`);
  if (password.length > 256) problems.push("Use at most 256 characters.");
  if (policy.requireUpper && !/[A-Z]/.test(password)) problems.push("Include an uppercase letter.");
  if (policy.requireLower && !/[a-z]/.test(password)) problems.push("Include a lowercase letter.");
  if (policy.requireDigit && !/\d/.test(password)) problems.push("Include a number.");
  if (policy.requireSymbol && !/[^A-Za-z0-9]/.test(password)) problems.push("Include a symbol, like ! or #.");
  if (isCommonPassword(password)) problems.push("This password is too common. Choose something harder to guess.");
  else {
    const lower = password.toLowerCase();
    const local = context.email?.split("@")[0]?.toLowerCase();
    const nameParts = (context.name ?? "").toLowerCase().split(/\s+/).filter((w) => w.length >= 4);
    if ((local && local.length >= 4 && lower.includes(local)) || nameParts.some((w) => lower.includes(w))) {
      problems.push("Don't use your name or email address in your password.");
    }
  }
  return problems;
}

/** Describes the policy in words for the form's hint. */
export function describePolicy(policy: PasswordPolicy): string {
  const parts = [`at least ${policy.minLength} characters`];
  const classes = [policy.requireUpper && "an uppercase letter", policy.requireLower && "a lowercase letter", policy.requireDigit && "a number", policy.requireSymbol && "a symbol"].filter(Boolean);
  if (classes.length) parts.push(`with ${classes.join(", ")}`);
  let text = `Use ${parts.join(" ")}. Common passwords are not allowed`;
  if (policy.historyCount > 0) text += `, nor any of your last ${policy.historyCount}`;
  return `${text}.`;
}

export const REUSED_PASSWORD = (n: number) => `You used this password recently. Choose one you haven't used in your last ${n} passwords.`;

/** Was this password one of the person's current or last N? */
export async function isRecentlyUsed(db: Db | Tx, userId: string, password: string, historyCount: number): Promise<boolean> {
  if (historyCount <= 0) return false;
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (user?.passwordHash && (await verifyPassword(user.passwordHash, password))) return true;
  const history = await db.passwordHistory.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, take: historyCount, select: { hash: true } });
  for (const h of history) if (await verifyPassword(h.hash, password)) return true;
  return false;
}

/**
 * Sets a new password: keeps the old hash in the history (trimmed to 24), clears lockout and the
 * must-change flag (unless `mustChange`), and records when it changed.
 */
export async function storePassword(tx: Tx, userId: string, password: string, opts: { mustChange?: boolean; activate?: boolean } = {}): Promise<void> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  if (user.passwordHash) await tx.passwordHistory.create({ data: { userId, hash: user.passwordHash } });
  const old = await tx.passwordHistory.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, skip: 24, select: { id: true } });
  if (old.length) await tx.passwordHistory.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  await tx.user.update({
    where: { id: userId },
    data: {
      passwordHash: await hashPassword(password),
      passwordChangedAt: new Date(),
      mustChangePassword: opts.mustChange ?? false,
      failedLoginCount: 0,
      lockedUntil: null,
      ...(opts.activate ? { status: "ACTIVE" as const } : {}),
    },
  });
}

export function passwordExpired(policy: PasswordPolicy, changedAt: Date | null, now = new Date()): boolean {
  if (!policy.expiryDays || !changedAt) return false;
  return now.getTime() - changedAt.getTime() > policy.expiryDays * 86_400_000;
}
