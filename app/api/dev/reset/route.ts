import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { database } from "@/lib/db";
import { resetForE2E } from "@/lib/testing/e2e-reset";

export const dynamic = "force-dynamic";

/** e2e only: back to the demo data. 404 unless E2E_RESET_TOKEN is set and sent. */
export const POST = route({
  access: { public: true },
  input: z.strictObject({ token: z.string().max(200) }),
  transaction: false,
  handler: async ({ input }) => {
    const expected = process.env.E2E_RESET_TOKEN;
    const ok = expected && input.token.length === expected.length && timingSafeEqual(Buffer.from(input.token), Buffer.from(expected));
    if (!ok) throw new AppError("not_found", "Not found.");
    await resetForE2E(await database());
    return { reset: true };
  },
});
