import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { requestPasswordReset } from "@/lib/security/account-admin";
import { requestMeta } from "@/lib/security/http";
import { consume, waitMessage } from "@/lib/security/rate-limit";
import { emailSchema } from "@/lib/auth/credentials";

export const dynamic = "force-dynamic";
const RESET_REQUESTED = "If an account uses that email address, we've sent it a link to reset the password. Check your inbox.";

/** "Forgot password": the same answer whether or not the email has an account. */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ email: emailSchema }),
  handler: async ({ input, tx }) => {
    const meta = await requestMeta();
    const byIp = await consume("resetIp", meta.ip ?? "unknown");
    if (!byIp.ok) throw new AppError("rate_limited", waitMessage(byIp.retryAfterSeconds));
    const byAccount = await consume("resetAccount", input.email);
    if (byAccount.ok) await requestPasswordReset(tx, input, meta);
    return { message: RESET_REQUESTED };
  },
});
