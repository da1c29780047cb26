import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { readMailbox } from "@/lib/email/mailbox";
import { securityEnv } from "@/lib/security/env";

export const dynamic = "force-dynamic";

/** Development only: what the development SMTP server received (404 when it isn't running). */
export const GET = route({
  access: { public: true },
  input: z.object({ to: z.string().max(254).optional() }),
  handler: async ({ input }) => {
    const dir = securityEnv().devMailboxDir;
    if (!dir) throw new AppError("not_found", "Not found.");
    return { messages: readMailbox(dir, input.to) };
  },
});
