import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AppError } from "@/lib/api/errors";
import { readMailbox } from "@/lib/email/mailbox";
import { mailboxForRequest } from "@/lib/email/mailbox-request";

export const dynamic = "force-dynamic";

/**
 * Development only: what the development SMTP server received. 404 when it isn't running and for
 * anyone but signed-in platform staff on this machine or the e2e run (lib/email/mailbox-access.ts).
 */
export const GET = route({
  access: { public: true },
  input: z.object({ to: z.string().max(254).optional() }),
  // It reads files, and the session outside any transaction (on PGlite's single connection a
  // query beside an open transaction waits for it).
  transaction: false,
  handler: async ({ input }) => {
    const dir = await mailboxForRequest();
    if (!dir) throw new AppError("not_found", "Not found.");
    return { messages: readMailbox(dir, input.to) };
  },
});
