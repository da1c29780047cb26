import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { acceptInvitation } from "@/lib/invitations/invitations";
import { requestMeta } from "@/lib/security/http";
import { consume, waitMessage } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/** Sets the password from an invitation or activation link (validated by acceptInvitation's schema). */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ token: z.unknown(), name: z.unknown().optional(), password: z.unknown().optional(), confirm: z.unknown().optional() }),
  handler: async ({ input, tx }) => {
    const meta = await requestMeta();
    const limit = await consume("tokenIp", meta.ip ?? "unknown");
    if (!limit.ok) throw new AppError("rate_limited", waitMessage(limit.retryAfterSeconds));
    const { email } = await acceptInvitation(tx, input, meta);
    return { email, message: "Your account is active. Sign in with your new password." };
  },
});
