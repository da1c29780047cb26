import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { decryptSecret } from "@/lib/security/crypto";
import { requestMeta } from "@/lib/security/http";
import { enableTotp } from "@/lib/security/two-factor";

export const dynamic = "force-dynamic";

/** Confirms authenticator setup with a code from the app; answers the recovery codes (shown once). */
export const POST = route({
  access: { signedIn: true },
  input: z.strictObject({ code: z.string({ error: "Enter the 6-digit code." }).trim().regex(/^\d{6}$/, "Enter the 6-digit code.") }),
  handler: async ({ input, user, tx }) => {
    const row = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpSecret: true, totpEnabledAt: true } });
    if (row.totpEnabledAt) throw new AppError("conflict", "Two-factor authentication is already on.");
    if (!row.totpSecret) throw new AppError("conflict", "Start the setup again: scan the QR code first.");
    const result = await enableTotp(tx, user.id, decryptSecret(row.totpSecret), input.code, { ip: (await requestMeta()).ip });
    if (!result.ok) throw new AppError("invalid", result.message, { code: [result.message] });
    return { recoveryCodes: result.recoveryCodes };
  },
});
