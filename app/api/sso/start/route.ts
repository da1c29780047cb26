import { z } from "zod";
import { route } from "@/lib/api/handler";
import { prisma } from "@/lib/db";
import { emailSchema } from "@/lib/auth/credentials";
import { SsoError } from "@/lib/identity/errors";
import { browserSecret, redirectTo, refusedRedirect } from "@/lib/identity/http";
import { beginSso, connectionForEmail } from "@/lib/identity/sso";
import { consume } from "@/lib/security/rate-limit";

export const dynamic = "force-dynamic";

/** "Continue with SSO": by email domain (or a connection id), a redirect to the organisation's IdP. */
export const GET = route({
  access: { public: true },
  input: z.object({ email: emailSchema.optional(), connection: z.uuid().optional(), next: z.string().max(2000).default("/") }),
  transaction: false,
  handler: async ({ input, ip }) => {
    const tx = await prisma();
    try {
      if (!(await consume("signInIp", ip ?? "unknown")).ok) throw new SsoError("idp_unreachable", "rate limited");
      const connectionId = input.connection ?? (input.email ? (await connectionForEmail(tx, input.email))?.id : undefined);
      if (!connectionId) throw new SsoError("no_sso");
      const browser = await browserSecret(true);
      const url = await beginSso(tx, connectionId, { next: input.next, browserSecret: browser.value! });
      return redirectTo(url, browser.setCookie);
    } catch (err) {
      return refusedRedirect(err, input.email ? { email: input.email } : {});
    }
  },
});
