import { z } from "zod";
import { route } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers (a pure read: no transaction around the SELECT 1). */
export const GET = route({
  access: { public: true },
  input: z.object({}),
  readOnly: true,
  handler: async ({ tx }) => {
    await tx.$queryRaw`SELECT 1`;
    return { status: "ok" };
  },
});
