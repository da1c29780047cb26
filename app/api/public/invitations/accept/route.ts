import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { acceptInvitation } from "@/lib/invitations/invitations";
import { requestMeta } from "@/lib/security/http";
import { consume, waitMessage } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/**
 * Accepts an invitation or activation link (validated by acceptInvitation's schema): an account
 * without a password sets one; an existing account just accepts.
 */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ token: z.unknown(), name: z.unknown().optional(), password: z.unknown().optional(), confirm: z.unknown().optional() }),
  handler: async ({ input, tx }) => {
    const meta = await requestMeta();
    const limit = await consume("tokenIp", meta.ip ?? "unknown");
    if (!limit.ok) throw new AppError("rate_limited", waitMessage(limit.retryAfterSeconds));
    const { email, places } = await acceptInvitation(tx, input, meta);
    return { email, places, message: input.password === undefined ? `You joined ${places.join(", ")}.` : "Your account is active. Sign in with your new password." };
  },
});
