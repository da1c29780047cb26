import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { completePasswordReset } from "@/lib/security/account-admin";
import { requestMeta } from "@/lib/security/http";
import { consume, waitMessage } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/** Sets a new password from an emailed reset link (validated by completePasswordReset's schema). */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ token: z.unknown(), password: z.unknown(), confirm: z.unknown() }),
  handler: async ({ input, tx }) => {
    const meta = await requestMeta();
    const limit = await consume("tokenIp", meta.ip ?? "unknown");
    if (!limit.ok) throw new AppError("rate_limited", waitMessage(limit.retryAfterSeconds));
    const { email } = await completePasswordReset(tx, input, meta);
    return { email, message: "Your password was changed. Sign in with your new password." };
  },
});
