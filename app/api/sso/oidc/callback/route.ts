import { z } from "zod";
import { route } from "@/lib/api/handler";
import { prisma } from "@/lib/db";
import { redirectTo, refusedRedirect } from "@/lib/identity/http";
import { finishOidc } from "@/lib/identity/sso";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** The OIDC redirect URI: code + state from the IdP → a sign-in ticket for this browser. */
export const GET = route({
  access: { public: true },
  input: z.record(z.string(), z.string().max(8000)),
  transaction: false,
  handler: async ({ input, ip }) => {
    const tx = await prisma();
    try {
      const url = new URL("http://callback.invalid/");
      for (const [k, v] of Object.entries(input)) url.searchParams.set(k, v);
      const done = await finishOidc(tx, url, { ip });
      return redirectTo(`${securityEnv().appUrl}/login/sso?${new URLSearchParams({ ticket: done.ticket, next: done.next })}`);
    } catch (err) {
      return refusedRedirect(err);
    }
  },
});
