import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { verifyPassword } from "@/lib/auth/password";
import { enqueueEmail } from "@/lib/email/outbox";
import { securityAlertEmail } from "@/lib/email/templates";
import { assertAcceptablePassword, endSessions } from "@/lib/security/account-admin";
import { auditForUser } from "@/lib/security/audit";
import { requestMeta } from "@/lib/security/http";
import { assertConfirmAllowed, confirmFailed } from "@/lib/security/reauth";
import { storePassword } from "@/lib/security/password-policy";

export const dynamic = "force-dynamic";

/**
 * Change your own password: the current one, and the new one twice. Other devices are signed out.
 * A wrong current password counts like a wrong re-authentication (lib/security/reauth.ts).
 */
export const POST = route({
  access: { signedIn: true },
  // The one thing a person who must change their password can do.
  allowDuringPasswordChange: true,
  input: z
    .object({
      current: z.string({ error: "Enter your current password." }).min(1, "Enter your current password.").max(1024),
      password: z.string({ error: "Choose a new password." }).min(1, "Choose a new password.").max(256, "Use at most 256 characters."),
      confirm: z.string({ error: "Type the new password again." }).min(1, "Type the new password again."),
    })
    .strict()
    .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords don't match." }),
  handler: async ({ input, user, sessionId, tx, afterRollback }) => {
    const meta = await requestMeta();
    await assertConfirmAllowed(tx, user.id);
    const row = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true, email: true, name: true } });
    if (!(await verifyPassword(row.passwordHash, input.current))) {
      await confirmFailed(afterRollback, { userId: user.id, action: "auth.password_change_failed", method: "password", ip: meta.ip });
      throw new AppError("invalid", "Some fields need attention.", { current: ["Your current password is incorrect."] });
    }
    await assertAcceptablePassword(tx, user.id, input.password);
    await storePassword(tx, user.id, input.password);
    const ended = await endSessions(tx, { userId: user.id, byUserId: user.id, reason: "password changed", exceptSessionId: sessionId });
    await tx.session.update({ where: { id: sessionId }, data: { reauthAt: new Date() } });
    await enqueueEmail(tx, row.email, "security_alert", securityAlertEmail({ name: row.name, title: "your password was changed", lines: ["Your CareAccess password was just changed.", "If this wasn't you, reset your password and contact your administrator right away."] }));
    await auditForUser(tx, user.id, { actorId: user.id, action: "auth.password_changed", ip: meta.ip, details: { otherSessionsEnded: ended } });
    return { message: ended ? `Your password was changed, and ${ended} other ${ended === 1 ? "device was" : "devices were"} signed out.` : "Your password was changed." };
  },
});
