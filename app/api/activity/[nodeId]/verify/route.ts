import { z } from "zod";
import { route } from "@/lib/api/handler";
import { placeOfActivity, verifyTenantChain } from "@/lib/audit/activity-access";

export const dynamic = "force-dynamic";

/** POST /api/activity/:nodeId/verify — re-walks the tenant's hash chain; names the first broken link. Tenant-wide: audit_log.read at the root. */
export const POST = route({
  access: { permission: "audit_log.read", resource: (i) => ({ nodeId: i.nodeId }) },
  input: z.object({ nodeId: z.uuid({ error: "Place must be an id." }) }),
  handler: async ({ input, tx, subject }) => verifyTenantChain(tx, subject, await placeOfActivity(tx, input.nodeId)),
});
