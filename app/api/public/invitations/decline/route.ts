import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { declineInvitation } from "@/lib/invitations/invitations";
import { requestMeta } from "@/lib/security/http";
import { consume, waitMessage } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/** Declines an invitation from its email link: the offered roles are removed. */
export const POST = route({
  access: { public: true },
  input: z.object({ token: z.unknown() }),
  handler: async ({ input, tx }) => {
    const meta = await requestMeta();
    const limit = await consume("tokenIp", meta.ip ?? "unknown");
    if (!limit.ok) throw new AppError("rate_limited", waitMessage(limit.retryAfterSeconds));
    const { places } = await declineInvitation(tx, input, meta);
    return { places, message: "Invitation declined. Nothing was added to your account." };
  },
});
