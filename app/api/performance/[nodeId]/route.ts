import { route } from "@/lib/api/handler";
import { periodSchema, providerPerformance } from "@/lib/schedule/performance";

/**
 * GET /api/performance/:nodeId?from=&to= — provider performance at a place over a period: a
 * Provider's own row, a Manager's places, an Owner's everyone (scoped in SQL by where()).
 * 404 outside the caller's tenants, 403 without provider_performance.read there, 400 for a bad period.
 */
export const GET = route({
  access: { memberOf: (i) => i.nodeId },
  input: periodSchema,
  handler: async ({ input, subject, tx }) => providerPerformance(tx, subject, input),
});
