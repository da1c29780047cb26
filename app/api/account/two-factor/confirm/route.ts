import { z } from "zod";
import { route } from "@/lib/api/handler";
import { requestMeta } from "@/lib/security/http";
import { confirmTwoFactorSetup } from "@/lib/security/own-account";

export const dynamic = "force-dynamic";

/** Confirms authenticator setup with a code from the app; answers the recovery codes (shown once). */
export const POST = route({
  access: { signedIn: true },
  input: z.strictObject({ code: z.string({ error: "Enter the 6-digit code." }).trim().regex(/^\d{6}$/, "Enter the 6-digit code.") }),
  handler: async ({ input, user, tx }) => confirmTwoFactorSetup(tx, { userId: user.id, ip: (await requestMeta()).ip }, input.code),
});
