import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { prisma } from "@/lib/db";
import { startChallengeEnrolment } from "@/lib/auth/sign-in";

export const dynamic = "force-dynamic";

/** Two-factor enrolment during sign-in (tenant requires 2FA): the QR code for this challenge. */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ challenge: z.string().min(1).max(200) }),
  handler: async ({ input }) => {
    const result = await startChallengeEnrolment(await prisma(), input.challenge);
    if (!result.ok) throw new AppError("conflict", result.message);
    return { qrDataUrl: result.qrDataUrl, secret: result.secret };
  },
});
