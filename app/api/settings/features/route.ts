import { z } from "zod";
import { route } from "@/lib/api/handler";
import { flagTenantRef, flagUpdateSchema, listTenantFlags, updateFeatureFlag } from "@/lib/flags/flags";

export const dynamic = "force-dynamic";


/** A tenant's feature flags (issue 14): on/off and the roles hidden from each. */
export const GET = route({
  access: { permission: "settings.read", resource: flagTenantRef },
  input: z.object({ tenantId: z.uuid({ error: "Choose an organisation." }) }),
  handler: async ({ input, tx }) => ({ flags: await listTenantFlags(tx, input.tenantId) }),
});

/** Changes one flag: `enabled` (platform staff for platform flags) and/or `hiddenRoleIds` (settings.edit). */
export const PATCH = route({
  access: { permission: "settings.read", resource: flagTenantRef },
  input: flagUpdateSchema,
  handler: async ({ input, user, subject, ip, tx }) => ({ flag: await updateFeatureFlag(tx, { userId: user.id, subject, ip }, input) }),
});
