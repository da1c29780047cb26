import { z } from "zod";
import { route } from "@/lib/api/handler";
import { requestMeta } from "@/lib/security/http";
import { reauthenticate } from "@/lib/security/reauth";

export const dynamic = "force-dynamic";

/** Confirm it's you (password or authenticator code) before a sensitive action; 429 after 5 wrong in 15 minutes. */
export const POST = route({
  access: { signedIn: true },
  input: z
    .object({ password: z.string().max(1024).optional(), code: z.string().trim().max(20).optional() })
    .strict()
    .refine((v) => v.password || v.code, { path: ["password"], message: "Enter your password." }),
  handler: async ({ input, user, sessionId, tx, afterRollback }) => {
    await reauthenticate(tx, { userId: user.id, sessionId: sessionId, password: input.password, code: input.code, ip: (await requestMeta()).ip }, afterRollback);
    return { ok: true };
  },
});
