import { z } from "zod";
import { route } from "@/lib/api/handler";
import { requestMeta } from "@/lib/security/http";
import { startTwoFactorSetup, turnOffTwoFactor, twoFactorStatus } from "@/lib/security/own-account";

export const dynamic = "force-dynamic";

export const GET = route({
  access: { signedIn: true },
  input: z.object({}),
  handler: async ({ user, tx }) => twoFactorStatus(tx, user.id),
});

/** Starts authenticator-app setup: a new secret (kept encrypted, not active until confirmed) and its QR code. */
export const POST = route({
  access: { signedIn: true },
  input: z.strictObject({}),
  handler: async ({ user, tx }) => startTwoFactorSetup(tx, user.id),
});

/** Turns two-factor off (needs a recent password check; refused when a tenant requires it). */
export const DELETE = route({
  access: { signedIn: true },
  input: z.strictObject({}),
  handler: async ({ user, sessionId, tx }) => turnOffTwoFactor(tx, { userId: user.id, sessionId, ip: (await requestMeta()).ip }),
});
