import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { encryptSecret } from "@/lib/security/crypto";
import { requestMeta } from "@/lib/security/http";
import { requireRecentAuth } from "@/lib/security/reauth";
import { userPolicy } from "@/lib/security/settings";
import { disableTotp, recoveryCodesLeft, totpSetup } from "@/lib/security/two-factor";

export const dynamic = "force-dynamic";

export const GET = route({
  access: { signedIn: true },
  input: z.object({}),
  handler: async ({ user, tx }) => {
    const row = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpEnabledAt: true } });
    return { enabled: !!row.totpEnabledAt, enabledAt: row.totpEnabledAt, recoveryCodesLeft: await recoveryCodesLeft(tx, user.id), required: (await userPolicy(tx, user.id)).twoFactorRequired };
  },
});

/** Starts authenticator-app setup: a new secret (kept encrypted, not active until confirmed) and its QR code. */
export const POST = route({
  access: { signedIn: true },
  input: z.strictObject({}),
  handler: async ({ user, tx }) => {
    const row = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpEnabledAt: true, email: true } });
    if (row.totpEnabledAt) throw new AppError("conflict", "Two-factor authentication is already on. Turn it off first to set up a new app.");
    const setup = await totpSetup(row.email);
    await tx.user.update({ where: { id: user.id }, data: { totpSecret: encryptSecret(setup.secret), totpLastStep: null } });
    return { qrDataUrl: setup.qrDataUrl, secret: setup.secret };
  },
});

/** Turns two-factor off (needs a recent password check; refused when a tenant requires it). */
export const DELETE = route({
  access: { signedIn: true },
  input: z.strictObject({}),
  handler: async ({ user, sessionId, tx }) => {
    await requireRecentAuth(tx, { userId: user.id, sessionId });
    if ((await userPolicy(tx, user.id)).twoFactorRequired) throw new AppError("forbidden", "Your organisation requires two-factor authentication, so it can't be turned off.");
    await disableTotp(tx, user.id, user.id, { ip: (await requestMeta()).ip });
    return { enabled: false };
  },
});
