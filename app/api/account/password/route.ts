import { z } from "zod";
import { route } from "@/lib/api/handler";
import { requestMeta } from "@/lib/security/http";
import { changeOwnPassword } from "@/lib/security/own-account";

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
  handler: async ({ input, user, sessionId, tx, afterRollback }) =>
    changeOwnPassword(tx, { userId: user.id, sessionId, ip: (await requestMeta()).ip }, input, afterRollback),
});
