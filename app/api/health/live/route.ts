import { z } from "zod";
import { route } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

/**
 * Liveness without the database (the process answers at all), for load balancers and the
 * balancer of `npm run start:cluster`; also bench:http's baseline of the wrapper and Next alone.
 */
export const GET = route({
  access: { public: true },
  input: z.object({}),
  transaction: false,
  handler: async () => ({ status: "ok" }),
});
