import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { prisma } from "@/lib/db";
import { confirmChallengeEnrolment } from "@/lib/auth/sign-in";
import { requestMeta } from "@/lib/security/http";
import { consume, waitMessage } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/** Confirms enrolment during sign-in with a code from the app; answers the recovery codes (once). */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ challenge: z.string().min(1).max(200), code: z.string({ error: "Enter the 6-digit code." }).trim().min(1, "Enter the 6-digit code.").max(20) }),
  handler: async ({ input }) => {
    const meta = await requestMeta();
    const limit = await consume("codeIp", meta.ip ?? "unknown");
    if (!limit.ok) throw new AppError("rate_limited", waitMessage(limit.retryAfterSeconds));
    const result = await confirmChallengeEnrolment(await prisma(), input.challenge, input.code, meta);
    if (!result.ok) throw new AppError("invalid", result.message, { code: [result.message] });
    return { recoveryCodes: result.recoveryCodes };
  },
});
