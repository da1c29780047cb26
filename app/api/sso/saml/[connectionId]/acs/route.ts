import { z } from "zod";
import { route } from "@/lib/api/handler";
import { prisma } from "@/lib/db";
import { redirectTo, refusedRedirect } from "@/lib/identity/http";
import { finishSaml } from "@/lib/identity/sso";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** The SAML assertion consumer service (HTTP-POST binding from the IdP's page). */
export const POST = route({
  access: { public: true },
  input: z.object({ connectionId: z.uuid(), SAMLResponse: z.string().max(500_000).optional(), RelayState: z.string().max(2000).optional() }),
  transaction: false,
  handler: async ({ input, ip }) => {
    const tx = await prisma();
    try {
      const done = await finishSaml(tx, input.connectionId, input, { ip });
      return redirectTo(`${securityEnv().appUrl}/login/sso?${new URLSearchParams({ ticket: done.ticket, next: done.next })}`);
    } catch (err) {
      return refusedRedirect(err);
    }
  },
});
