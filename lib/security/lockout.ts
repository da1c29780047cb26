import type { Tx } from "../db/client";
import { enqueueEmail } from "../email/outbox";
import { securityAlertEmail } from "../email/templates";
import { tenantAdmins } from "./account-admin";
import { auditForUser } from "./audit";
import { securityEnv } from "./env";
import { userPolicy } from "./settings";

/**
 * The account lockout: a wrong password for an active account, at sign-in or when a signed-in person
 * confirms it's them (re-authentication, password change), counts towards the tenant's limit
 * (default 5, strictest across the person's tenants); at the limit the account locks for the
 * tenant's period, and the person and their tenants' owners/admins get a security alert.
 */
export interface PasswordFailure {
  /** The audit action for the failure itself, e.g. "auth.sign_in_failed", "auth.reauth_failed". */
  action: string;
  details?: Record<string, unknown>;
  /** How the alert emails name the attempts, e.g. "failed sign-in attempts". */
  attempts: string;
}

export async function recordPasswordFailure(tx: Tx, user: { id: string; email: string; name: string }, meta: { ip?: string | null }, failure: PasswordFailure): Promise<{ locked: boolean }> {
  const pol = await userPolicy(tx, user.id);
  const { failedLoginCount: count } = await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: { increment: 1 } }, select: { failedLoginCount: true } });
  const lock = count >= pol.lockout.maxAttempts;
  if (lock) await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: new Date(Date.now() + pol.lockout.lockMinutes * 60_000) } });
  await auditForUser(tx, user.id, { actorId: null, action: failure.action, ip: meta.ip, details: { ...failure.details, attempt: count } });
  if (!lock) return { locked: false };
  await auditForUser(tx, user.id, { actorId: null, action: "auth.account_locked", ip: meta.ip, details: { attempts: count, minutes: pol.lockout.lockMinutes } });
  await enqueueEmail(tx, user.email, "security_alert", securityAlertEmail({
    name: user.name,
    title: "your account was locked",
    lines: [`After ${count} ${failure.attempts}, your CareAccess account is locked for ${pol.lockout.lockMinutes} minutes.`, "If this wasn't you, reset your password or tell your administrator."],
    url: `${securityEnv().appUrl}/login`,
  }));
  const notified = new Set<string>([user.id]);
  for (const tenantId of pol.tenantIds) {
    for (const admin of await tenantAdmins(tx, tenantId)) {
      if (notified.has(admin.id)) continue;
      notified.add(admin.id);
      await enqueueEmail(tx, admin.email, "security_alert", securityAlertEmail({
        name: admin.name,
        title: `${user.email} was locked out`,
        lines: [`${user.name} (${user.email}) was locked out after ${count} ${failure.attempts}${meta.ip ? ` from ${meta.ip}` : ""}.`, "You can unlock the account in Settings > Users."],
        url: `${securityEnv().appUrl}/settings/users`,
      }));
    }
  }
  return { locked: true };
}
