import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { prisma } from "@/lib/db";
import { sendChallengeEmailCode } from "@/lib/auth/sign-in";
import { requestMeta } from "@/lib/security/http";

export const dynamic = "force-dynamic";

/** Emails a 6-digit sign-in code for this challenge (instead of the authenticator app). */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ challenge: z.string().min(1).max(200) }),
  handler: async ({ input }) => {
    const result = await sendChallengeEmailCode(await prisma(), input.challenge, await requestMeta());
    if (!result.ok) throw new AppError(result.code, result.message);
    return { message: "We emailed you a 6-digit code. It expires in 10 minutes." };
  },
});
